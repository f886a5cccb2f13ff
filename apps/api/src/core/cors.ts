import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The methods the API serves (HEAD with every GET, as Fastify answers it). A test checks this list
 * against the OpenAPI document, so a route on a new method cannot be left out of the preflight.
 */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The request headers the contract reads: credentials, bodies, idempotency, tracing, deadlines, V2 binary. */
export const CORS_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'X-Request-Id',
  'X-API-Key',
  'X-Request-Timeout-Ms',
  'Inference-Header-Content-Length',
] as const;

/** The response headers the contract gives meaning to; a page can read only those exposed. */
export const CORS_EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'X-Model-Version',
  'Idempotent-Replayed',
  'Location',
  'Inference-Header-Content-Length',
] as const;

export interface CorsSettings {
  corsOrigins: string[];
  corsMaxAgeS: number;
}

/**
 * CORS for the configured origins (@fastify/cors through Nest, answering preflights before auth and
 * rate limits). Without origins there is no CORS, and a preflight gets what a server without CORS
 * answers: 204 and no Access-Control-Allow-* header, which the browser reads as a refusal (rather
 * than a 404 that reads as a missing route).
 */
export function configureCors(app: NestFastifyApplication, settings: CorsSettings): void {
  if (settings.corsOrigins.length === 0) {
    // Not an operation of the API: Swagger documents Nest's routes only, so this one stays out of it.
    app
      .getHttpAdapter()
      .getInstance()
      .options('*', (_request, reply) => reply.code(204).send());
    return;
  }
  app.enableCors({
    origin: settings.corsOrigins,
    credentials: true,
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_REQUEST_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: settings.corsMaxAgeS,
  });
}
