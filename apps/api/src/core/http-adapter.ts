import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER, requestIdFor } from '@app/common';

/**
 * The HTTP platform: Fastify rather than Express. On the 2-core target machine Express 5 alone
 * tops out near 3 500 req/s on an empty route, below the product routes' targets; Fastify does
 * about five times that, leaving the budget to the database (see bench/commerce.ts).
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
