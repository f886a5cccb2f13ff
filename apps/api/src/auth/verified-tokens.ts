import { LRUCache } from 'lru-cache';
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
export function verifiedOnce(
  request: object | undefined,
  token: string,
  verify: (token: string) => JwtClaims | undefined,
): JwtClaims | undefined {
  if (!request) return verify(token);
  const known = byRequest.get(request);
  if (known?.token === token) return known.claims;
  const claims = verify(token);
  byRequest.set(request, { token, claims });
  return claims;
}

interface Signed {
  claims: Readonly<JwtClaims>;
  /** The token's `exp`, in seconds since the epoch. */
  exp: number;
}

/**
 * Tokens whose signature checked out, by their exact text, so a client's next request with the same
 * token costs a map lookup instead of an HMAC and two JSON parses (profiled: still 9 % of a 1-row
 * predict with one verification per request). The key is the whole token, signature included, so
 * only the very text that verified can hit; a hit still honours `exp` as jsonwebtoken does
 * (expired from the second `exp` names), and the guard still loads the user and compares the token
 * version on every request, so revocation is as immediate as before. Failures are not kept: they
 * are whatever a client sends. Bounded: the least recently used token is dropped first.
 */
export class SignedTokenCache {
  private readonly tokens: LRUCache<string, Signed>;

  constructor(max = 10_000) {
    this.tokens = new LRUCache({ max });
  }

  /** The claims of `token` if it verified before and has not expired, else `verify(token)` (kept when it passes). */
  claimsOf(
    token: string,
    verify: (token: string) => (JwtClaims & { exp?: number }) | undefined,
    nowSeconds = Math.floor(Date.now() / 1000),
  ): JwtClaims | undefined {
    const known = this.tokens.get(token);
    if (known) {
      if (nowSeconds < known.exp) return known.claims;
      this.tokens.delete(token);
      return undefined;
    }
    const claims = verify(token);
    // A token without `exp` is never issued here (signOptions.expiresIn); it is verified every time.
    if (claims && typeof claims.exp === 'number')
      this.tokens.set(token, { claims: Object.freeze({ ...claims }), exp: claims.exp });
    return claims;
  }
}
