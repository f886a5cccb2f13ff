import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBodyDto } from '@app/common';
import { addGlobalResponses } from './swagger-global-responses.js';
import { documentLocations } from './created-at.js';

export const BEARER_SCHEME = 'bearer';
export const OAUTH2_SCHEME = 'oauth2';
export const API_KEY_SCHEME = 'apiKey';

const closedSchemas = new Set<string>();
/** Carries ApiRequestContent's media types until the document is built (then removed). */
export const REQUEST_CONTENT_EXTENSION = 'x-request-content';

/**
 * Marks a response DTO whose objects never carry other properties: its schema gets
 * `additionalProperties: false`, so the branches of a `oneOf` naming it exclude each other for
 * strict validators and generated clients. @nestjs/swagger has no option for it.
 */
export function ClosedSchema(): ClassDecorator {
  return (target) => {
    closedSchemas.add(target.name);
  };
}

/** Who the document describes: the service's display title and its version (package.json's). */
export interface ServiceIdentity {
  title: string;
  version: string;
}

export function buildOpenApiDocument(
  app: INestApplication,
  apiPrefix: string,
  service: ServiceIdentity,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(service.title)
    .setDescription(
      'Commerce data layer and TensorFlow.js model serving behind one API. ' +
        'Errors always have the shape of `ErrorBodyDto`; ' +
        'lists are paginated with `page` and `pageSize`. Use **Authorize** with a username (or email) and password.',
    )
    .setVersion(service.version)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A JWT from /auth/token, or an API key (`ak_…`) from /auth/api-keys',
      },
      BEARER_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'An API key (`ak_…`), within its scopes: `predict`, `read`, `admin`',
      },
      API_KEY_SCHEME,
    )
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/api/v1/auth/token', scopes: {} } } }, OAUTH2_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorBodyDto],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  for (const name of closedSchemas) {
    const schema = document.components?.schemas?.[name];
    if (schema && !('$ref' in schema)) schema.additionalProperties = false;
  }
  mergeRequestContent(document);
  addGlobalResponses(document, apiPrefix);
  documentLocations(document);
  return document;
}

function mergeRequestContent(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, Record<string, unknown>>)) {
      const extra = operation?.[REQUEST_CONTENT_EXTENSION] as Record<string, unknown> | undefined;
      if (!extra) continue;
      const body = (operation.requestBody ??= { content: {} }) as { content: Record<string, unknown> };
      body.content = { ...body.content, ...extra };
      delete operation[REQUEST_CONTENT_EXTENSION];
    }
  }
}

/** Swagger UI at /docs and the document at /docs-json, outside the /api/v1 prefix. */
export function setupSwagger(app: INestApplication, apiPrefix: string, service: ServiceIdentity): void {
  // Built on the first request for it (SwaggerModule keeps it), not at boot: reading every route's
  // metadata took about a tenth of a boot. Route metadata is fixed once the app is initialised.
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, apiPrefix, service), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
