import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBodyDto } from '@app/common';

export const BEARER_SCHEME = 'bearer';
export const OAUTH2_SCHEME = 'oauth2';
export const API_KEY_SCHEME = 'apiKey';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('AI Commerce API')
    .setDescription(
      'Commerce data layer and TensorFlow.js model serving behind one API. Errors always have the shape of `ErrorBodyDto`; ' +
        'lists are paginated with `page` and `pageSize`. Use **Authorize** with a username (or email) and password.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT from /auth/token, or an API key (`ak_…`) from /auth/api-keys' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (`ak_…`), within its scopes: `predict`, `read`, `admin`' }, API_KEY_SCHEME)
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/api/v1/auth/token', scopes: {} } } }, OAUTH2_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodyDto], operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}` });
}

/** Swagger UI at /docs and the document at /docs-json, outside the /api/v1 prefix. */
export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
