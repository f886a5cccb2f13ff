import type { IncomingHttpHeaders } from 'node:http';

/** API keys start with this, so a credential is told from a JWT without trying to verify it. */
export const API_KEY_PREFIX = 'ak_';
/** `ak_` + 32 random bytes in base64url: anything else is not a key and is refused without a query. */
const API_KEY_SHAPE = /^ak_[A-Za-z0-9_-]{43}$/;

export const isApiKey = (credential: string): boolean => credential.startsWith(API_KEY_PREFIX);
export const isWellFormedApiKey = (credential: string): boolean => API_KEY_SHAPE.test(credential);

/**
 * The credential a request carries: `X-API-Key`, else the `Authorization: Bearer` value (a JWT
 * or an API key). One place, read by the auth guard, the rate limiter and the stream's handshake.
 */
export function requestCredential(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  const [scheme, token] = (headers.authorization ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}
