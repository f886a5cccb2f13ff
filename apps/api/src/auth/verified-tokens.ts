import type { JwtClaims } from './jwt-claims.js';

interface Verified {
  token: string;
  claims: JwtClaims | undefined;
}

/**
 * The result of checking one token's signature and expiry, kept on the request it came with, so a
 * request pays for the check once (profiled: two HMAC verifications were 10 % of a 1-row predict):
 * the rate limiter checks the token first, to key its bucket, and the auth guard reuses the result.
 * Only the signature and expiry are kept: the guard still loads the user and compares the token
 * version on every request. The entry is the request's, so it never outlives it, and it is for
 * that exact token (a request object is keyed weakly: nothing to clean up).
 */
const byRequest = new WeakMap<object, Verified>();

/** `verify(token)` once per request (and token): later calls for the same request get its answer. */
export function verifiedOnce(request: object | undefined, token: string, verify: (token: string) => JwtClaims | undefined): JwtClaims | undefined {
  if (!request) return verify(token);
  const known = byRequest.get(request);
  if (known?.token === token) return known.claims;
  const claims = verify(token);
  byRequest.set(request, { token, claims });
  return claims;
}
