import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { JwtClaims } from './jwt-claims.js';
import { SignedTokenCache } from './verified-tokens.js';

const claims = (exp: number): JwtClaims & { exp: number } => ({ sub: 1, username: 'u', role: 'customer', ver: 0, exp });

describe('SignedTokenCache', () => {
  it('verifies a token text once while it lasts, and refuses it from the second its exp names', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000_000 }), fc.integer({ min: -5, max: 5 }), (exp, offset) => {
        const cache = new SignedTokenCache();
        let calls = 0;
        const verify = () => (calls++, claims(exp));
        expect(cache.claimsOf('t', verify, exp - 10)).toMatchObject({ sub: 1 });
        const now = exp + offset;
        const again = cache.claimsOf('t', verify, now);
        expect(calls).toBe(1);
        // jsonwebtoken: expired when now >= exp.
        expect(again === undefined).toBe(now >= exp);
      }),
    );
  });

  it('keeps no failure, and no token without exp', () => {
    const cache = new SignedTokenCache();
    let calls = 0;
    for (let i = 0; i < 3; i++) cache.claimsOf('bad', () => (calls++, undefined), 0);
    for (let i = 0; i < 3; i++)
      cache.claimsOf('no-exp', () => (calls++, { sub: 1, username: 'u', role: 'customer', ver: 0 }), 0);
    expect(calls).toBe(6);
  });

  it('is bounded (least recently used first) and hands out claims nobody can change', () => {
    const cache = new SignedTokenCache(2);
    let calls = 0;
    const verify = () => (calls++, claims(100));
    cache.claimsOf('a', verify, 0);
    cache.claimsOf('b', verify, 0);
    cache.claimsOf('a', verify, 0);
    cache.claimsOf('c', verify, 0); // drops b
    expect(calls).toBe(3);
    cache.claimsOf('a', verify, 0);
    expect(calls).toBe(3);
    cache.claimsOf('b', verify, 0);
    expect(calls).toBe(4);
    expect(Object.isFrozen(cache.claimsOf('a', verify, 0))).toBe(true);
  });
});
