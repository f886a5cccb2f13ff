import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import { TooManyRequestsError } from '@app/common';

export interface RateLimitSettings {
  ttlMs: number;
  max: number;
  loginMax: number;
}

/**
 * Per-client limits as express middleware (express-rate-limit): a global one over /api/v1 and a
 * stricter one on the token route. Refusals go through the exception filter, so a 429 has the
 * contract's error shape. A shared store (Redis) makes replicas count together.
 */
export function rateLimiters(settings: RateLimitSettings, store?: (prefix: string) => Store): { global: RequestHandler; login: RequestHandler } {
  const limiter = (limit: number, prefix: string, message: string) =>
    rateLimit({
      windowMs: settings.ttlMs,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: store?.(prefix),
      handler: (_request, _response, next) => next(new TooManyRequestsError(message)),
    });
  return {
    global: limiter(settings.max, 'rl:global:', 'Too many requests, slow down'),
    login: limiter(settings.loginMax, 'rl:login:', 'Too many login attempts, try again later'),
  };
}

/** A Redis-backed store, so every replica counts against the same limits. */
export function redisRateLimitStore(client: Redis, keyPrefix: string): (prefix: string) => Store {
  return (prefix) =>
    new RedisStore({
      prefix: `${keyPrefix}:${prefix}`,
      sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<number>,
    });
}
