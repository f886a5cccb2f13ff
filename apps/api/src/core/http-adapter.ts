import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER, requestIdFor } from '@app/common';

/**
 * The HTTP platform: Fastify rather than Express. On the 2-core target machine the product routes
 * roughly doubled on Fastify (bench/commerce.ts; the README has the figures).
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    // Behind a local reverse proxy the client address comes from X-Forwarded-For (rate limits key on it).
    trustProxy: 'loopback',
    // The request id is the client's X-Request-Id when sane (validated here), else a new UUID.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers[REQUEST_ID_HEADER]),
    // The app's pino logger writes one line per request (configureApp); Fastify's own stays off.
    logger: false,
    // Product slugs may be 220 characters long.
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
  });
}
