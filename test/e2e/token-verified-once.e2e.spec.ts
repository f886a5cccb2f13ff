import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer, TEST_JWT_SECRET } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: it counts JwtService's signature checks per request.

/** An HS256 token with any claims and times, signed with any secret. */
function signToken(claims: Record<string, unknown>, secret: string, expiresInSeconds = 600): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const unsigned = `${header}.${encode({ iat: now - 1200, exp: now + expiresInSeconds, ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * The rate limiter (to key its bucket) and the auth guard (to authenticate) both need a token's
 * signature and expiry checked; the check runs once per request and the guard reuses it. Every
 * other check stays: the user must exist, be active and hold the token's version (a password
 * change refuses the old token on the very next request), and a token that fails the check keys
 * its request by address, never by the user it names.
 */
describe('a JWT verified once per request', () => {
  let t: InProcessApp;
  let verifications = 0;
  const me = (token: string) => t.http().get('/api/v1/auth/me').set(bearer(token));

  beforeAll(async () => {
    t = await createInProcessApp({
      RATE_LIMIT_MAX: '8',
      RATE_LIMIT_USER_MAX: '1000',
      LOGIN_RATE_LIMIT_MAX: '1000',
      RATE_LIMIT_TTL_MS: '60000',
    });
    const jwt = t.app.get(JwtService);
    for (const method of ['verify', 'verifyAsync'] as const) {
      const original = jwt[method].bind(jwt) as (...args: unknown[]) => unknown;
      (jwt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        verifications++;
        return original(...args);
      };
    }
  });
  afterAll(() => t?.close());

  it('checks the signature once for the rate limiter and the guard together', async () => {
    const user = await t.customer('once_a');
    verifications = 0;
    expect((await me(user.token).expect(200)).body).toMatchObject({ id: user.id, username: user.username });
    expect(verifications).toBe(1);
  });

  it("verifies a token text once; it's refused at once after a password change (version check per call)", async () => {
    const user = await t.customer('once_b');
    await me(user.token).expect(200);
    verifications = 0;
    await me(user.token).expect(200);
    expect(verifications).toBe(0);
    await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(user.token))
      .send({ password: 'Rotated123', currentPassword: user.password })
      .expect(200);
    verifications = 0;
    await me(user.token).expect(401);
    expect(verifications).toBe(0);
    await me(await t.login(user.username, 'Rotated123')).expect(200);
  });

  it('refuses a token that verified before once its exp has passed, and a copy with another signature', async () => {
    const user = await t.customer('once_d');
    const claims = { sub: user.id, username: user.username, role: 'customer', ver: 0 };
    const shortLived = signToken(claims, TEST_JWT_SECRET, 2);
    await me(shortLived).expect(200);
    // The same header and payload signed with another secret: a different text, so verified, and refused.
    const [header, payload] = shortLived.split('.');
    const otherSignature = createHmac('sha256', 'another-secret-another-secret-1234')
      .update(`${header}.${payload}`)
      .digest('base64url');
    const resigned = `${header}.${payload}.${otherSignature}`;
    verifications = 0;
    await me(resigned).expect(401);
    expect(verifications).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await me(shortLived).expect(401);
    await me(user.token).expect(200);
  });

  it('keys an expired or forged token by address, and refuses it', async () => {
    const user = await t.customer('once_c');
    const expired = signToken(
      { sub: user.id, username: user.username, role: 'customer', ver: 0 },
      TEST_JWT_SECRET,
      -60,
    );
    const forged = signToken(
      { sub: user.id, username: user.username, role: 'customer', ver: 0 },
      'not-the-secret-but-long-enough-to-sign-with',
    );
    await me(expired).expect(401);
    await me(forged).expect(401);
    // Spend what is left of the address budget (8, less the registrations, logins and the two calls above) anonymously.
    let status = 200;
    for (let calls = 0; calls < 8 && status !== 429; calls++) status = (await t.http().get('/api/v1/products')).status;
    expect(status).toBe(429);
    // The invalid tokens count against the spent address; the user's own token has the user's budget.
    expect((await me(expired)).status).toBe(429);
    expect((await me(forged)).status).toBe(429);
    await me(user.token).expect(200);
  });
});
