import type { RateLimitOptions, RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { TooManyRequestsError } from '@app/common';
import { requestCredential } from '../auth/credential.js';

export interface RateLimitSettings {
  ttlMs: number;
  /** Per client address, for calls without a valid token. */
  max: number;
  /** Per user, for calls with a valid token. */
  userMax: number;
  /** Login attempts per client address, and separately per account name. */
  loginMax: number;
  storeTimeoutMs: number;
}

/**
 * The user id of a token whose signature and expiry check out, or of a valid API key's owner (from
 * the key cache, a query at most every few seconds per key); undefined for anything else.
 */
export type TokenSubject = (token: string, request: FastifyRequest) => number | undefined | Promise<number | undefined>;

/** The store the plugin counts in: in memory, or Redis (bounded, see rate-limit-store.ts). */
export type StoreOption = { store?: unknown };

const USER_KEY = 'user:';

/**
 * The bucket of a request: its user when it carries a verified token, else its client address
 * (`request.ip`, which honours X-Forwarded-For only from TRUST_PROXY's proxies). The limiter runs
 * before the auth guard, so the token's signature is checked here: an unverified `sub` would let
 * anyone spend another user's budget, or dodge their own with made-up ids. An API key (either
 * header) counts against its owner, like the owner's tokens.
 */
export async function requestKey(request: FastifyRequest, subjectOf: TokenSubject): Promise<string> {
  const token = requestCredential(request.headers);
  const subject = token ? await subjectOf(token, request) : undefined;
  return subject === undefined ? `ip:${request.ip}` : `${USER_KEY}${subject}`;
}

/**
 * Per-user and per-address limits (@fastify/rate-limit), one budget shared by every /api/v1 route
 * and stricter ones on the token route. Refusals are thrown as domain errors, so a 429 goes through
 * the exception filter and has the contract's error shape. With Redis, every replica counts against
 * the same limits; a store failure lets the request through (skipOnError).
 */
export function rateLimitPlugin(
  settings: RateLimitSettings,
  subjectOf: TokenSubject,
  store: StoreOption,
): RateLimitPluginOptions {
  return {
    global: true,
    timeWindow: settings.ttlMs,
    keyGenerator: (request) => requestKey(request, subjectOf),
    max: (_request, key) => (key.startsWith(USER_KEY) ? settings.userMax : settings.max),
    skipOnError: true,
    ...(store as Pick<RateLimitPluginOptions, 'store'>),
    errorResponseBuilder: () => new TooManyRequestsError('RATE_LIMITED', 'Too many requests, slow down'),
  };
}

/** The refusal of a login over either of its limits. */
export const loginRefusal = () =>
  new TooManyRequestsError('AUTH_LOGIN_RATE_LIMITED', 'Too many login attempts, try again later');

/**
 * The limit a route gets, decided when the route is registered: the token route its own per
 * address, the rest of /api/v1 the shared one (undefined), and routes outside it (health, metrics,
 * docs) none.
 */
export function routeRateLimit(
  url: string,
  apiPrefix: string,
  settings: RateLimitSettings,
): RateLimitOptions | false | undefined {
  if (isLoginRoute(url, apiPrefix)) {
    return {
      max: settings.loginMax,
      timeWindow: settings.ttlMs,
      keyGenerator: (request) => `login-ip:${request.ip}`,
      errorResponseBuilder: loginRefusal,
    };
  }
  return url.startsWith(`${apiPrefix}/`) ? undefined : false;
}

export function isLoginRoute(url: string, apiPrefix: string): boolean {
  return url === `${apiPrefix}/auth/token`;
}

/** The per-account limit of the token route, as `fastify.createRateLimit` takes it. */
export function loginAccountLimit(settings: RateLimitSettings): RateLimitOptions {
  return {
    max: settings.loginMax,
    timeWindow: settings.ttlMs,
    keyGenerator: (request) => `login-account:${accountName(request.body)}`,
  };
}

/**
 * The account a login names, as the users table compares it (lower-cased), so password guessing on
 * one account is stopped however many addresses it comes from. Undefined when the body names none
 * (validation answers 400 then).
 */
export function accountName(body: unknown): string | undefined {
  const username = (body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' && username.length > 0 ? username.trim().toLowerCase().slice(0, 255) : undefined;
}
