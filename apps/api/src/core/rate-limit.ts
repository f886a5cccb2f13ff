import type { RateLimitOptions, RateLimitPluginOptions } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { TooManyRequestsError } from '@app/common';

export interface RateLimitSettings {
  ttlMs: number;
  max: number;
  loginMax: number;
}

/**
 * Per-client limits (@fastify/rate-limit): one budget shared by every /api/v1 route and a stricter
 * one on the token route. Refusals are thrown as domain errors, so a 429 goes through the exception
 * filter and has the contract's error shape. With Redis, every replica counts against the same limits.
 */
export function rateLimitPlugin(settings: RateLimitSettings, redis?: { client: Redis; prefix: string }): RateLimitPluginOptions {
  return {
    global: true,
    max: settings.max,
    timeWindow: settings.ttlMs,
    ...(redis ? { redis: redis.client, nameSpace: `${redis.prefix}:rl:` } : {}),
    errorResponseBuilder: () => new TooManyRequestsError('Too many requests, slow down'),
  };
}

/**
 * The limit a route gets, decided when the route is registered: the token route its own, the rest
 * of /api/v1 the shared one (undefined), and routes outside it (health, metrics, docs) none.
 */
export function routeRateLimit(url: string, apiPrefix: string, settings: RateLimitSettings): RateLimitOptions | false | undefined {
  if (url === `${apiPrefix}/auth/token`) {
    return { max: settings.loginMax, timeWindow: settings.ttlMs, errorResponseBuilder: () => new TooManyRequestsError('Too many login attempts, try again later') };
  }
  return url.startsWith(`${apiPrefix}/`) ? undefined : false;
}
