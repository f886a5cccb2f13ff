import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER, requestIdFor } from '@app/common';
import { trustProxyOf, validateEnvironment, type EnvironmentVariables } from '@app/config';

/**
 * The HTTP platform: Fastify rather than Express. On the 2-core target machine the product routes
 * roughly doubled on Fastify (bench/commerce.ts; docs/benchmarks.md has the figures).
 */
export function createHttpAdapter(
  env: EnvironmentVariables = validateEnvironment(process.env, { quiet: true }),
): FastifyAdapter {
  return new FastifyAdapter({
    // The client address (rate limits key on it) comes from X-Forwarded-For only when the hop that
    // sent it is a trusted proxy (TRUST_PROXY); otherwise any client could pick its own address.
    // (Fastify takes a hop count too; its adapter's type omits it.)
    trustProxy: trustProxyOf(env.TRUST_PROXY) as boolean | string[],
    // The request id is the client's X-Request-Id when sane (validated here), else a new UUID.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers[REQUEST_ID_HEADER]),
    // Every wait on a client is bounded: a slow or stalled upload ends with 408 (checked every
    // second, not Node's default 30 s), a silent connection is closed, idle keep-alives expire.
    requestTimeout: env.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeout: env.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      connectionsCheckingInterval: Math.min(1000, env.HTTP_REQUEST_TIMEOUT_MS),
      headersTimeout: Math.min(60_000, env.HTTP_REQUEST_TIMEOUT_MS),
    },
    // The app's pino logger writes one line per request (configureApp); Fastify's own stays off.
    logger: false,
    // Product slugs may be 220 characters long.
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
  });
}
