import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';

const READING = [21.5, 45, 1012];

/** An HS256 token with any claims, signed with any secret (a forgery unless it is the app's). */
function signToken(claims: Record<string, unknown>, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iat: now, exp: now + 600, ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** Sends `count` requests, `concurrency` at a time, and returns the statuses in order. */
async function statuses(
  count: number,
  send: (index: number) => PromiseLike<{ status: number }>,
  concurrency = 1,
): Promise<number[]> {
  const result: number[] = [];
  for (let first = 0; first < count; first += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - first) }, (_, offset) => send(first + offset));
    for (const response of await Promise.all(batch)) result.push(response.status);
  }
  return result;
}

describe('rate limits with the default configuration', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The shipped defaults (test-app raises the limits for other suites).
    t = await createTestApp({
      RATE_LIMIT_MAX: '600',
      RATE_LIMIT_USER_MAX: '',
      LOGIN_RATE_LIMIT_MAX: '10',
      RATE_LIMIT_TTL_MS: '60000',
    });
  });
  afterAll(() => t.close());

  it('lets one authenticated client call predict far beyond the per-address budget', async () => {
    const { token } = await t.customer('loadtester');
    const seen = await statuses(
      700,
      () =>
        t
          .http()
          .post('/api/v1/inference/sensor-anomaly/predict')
          .set(bearer(token))
          .send({ inputs: [READING] }),
      20,
    );
    expect(seen.filter((status) => status !== 200)).toEqual([]);
  });
});

describe('rate limits per user and per client address', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<TestApp['customer']>>;
  let bob: typeof alice;
  let carol: typeof alice;
  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_MAX: '6',
      RATE_LIMIT_USER_MAX: '5',
      LOGIN_RATE_LIMIT_MAX: '1000',
      RATE_LIMIT_TTL_MS: '60000',
    });
    // Three anonymous registrations: the address has 3 of its 6 calls left.
    [alice, bob, carol] = [await t.customer('alice_rl'), await t.customer('bob_rl'), await t.customer('carol_rl')];
  });
  afterAll(() => t.close());

  it('gives each user a bucket of its own, apart from the address they share', async () => {
    const me = (token: string) => t.http().get('/api/v1/auth/me').set(bearer(token));
    expect(await statuses(6, () => me(alice.token))).toEqual([200, 200, 200, 200, 200, 429]);
    expect(expectErrorShape((await me(alice.token).expect(429)).body, 429).code).toBe('RATE_LIMITED');
    // Bob shares Alice's address but not her budget; anonymous calls from it have theirs.
    expect(await statuses(5, () => me(bob.token))).toEqual([200, 200, 200, 200, 200]);
    expect(await statuses(4, () => t.http().get('/api/v1/products'))).toEqual([200, 200, 200, 429]);
    // Bob's budget is spent now; a token naming him, signed with another secret, is not him:
    // it counts against the (spent) address budget and never against, or for, his.
    expect((await me(bob.token)).status).toBe(429);
    const forged = signToken(
      { sub: alice.id + 1000, username: 'nobody', role: 'customer' },
      'not-the-secret-but-long-enough-to-sign-with',
    );
    expect((await t.http().get('/api/v1/products').set(bearer(forged))).status).toBe(429);
  });

  it('keys a validly signed token by its subject, so made-up tokens do not mint budgets', async () => {
    // A well-signed token for a user id that has budget left is that user's bucket (the guard
    // decides whether it is honoured); the key never comes from an unverified claim.
    const again = signToken({ sub: carol.id, username: carol.username, role: 'customer' }, TEST_JWT_SECRET);
    expect(
      await statuses(6, (index) =>
        t
          .http()
          .get('/api/v1/auth/me')
          .set(bearer(index % 2 ? again : carol.token)),
      ),
    ).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('login limits behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_MAX: '1000000',
      LOGIN_RATE_LIMIT_MAX: '10',
      RATE_LIMIT_TTL_MS: '60000',
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(() => t.close());

  const attempt = (username: string, address: string, password = 'Wrong12345') =>
    t.http().post('/api/v1/auth/token').set('X-Forwarded-For', address).send({ username, password });

  it('stops password guessing on one account from rotating addresses', async () => {
    const victim = await t.customer('victim_rl');
    // Any spelling of the name is the same account (the successful login above spent one attempt).
    const guesses = await statuses(14, (index) =>
      attempt(index % 2 ? victim.username.toUpperCase() : victim.username, `10.1.0.${index + 1}`),
    );
    expect(guesses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(guesses.slice(-3)).toEqual([429, 429, 429]);
    // Other accounts, from fresh addresses, are not affected.
    expect((await attempt('someone_else', '10.2.0.1')).status).toBe(401);
  });

  it('stops guessing from one address across many accounts', async () => {
    const spray = await statuses(12, (index) => attempt(`sprayed_${index}`, '10.3.0.1'));
    expect(spray.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(spray.slice(10)).toEqual([429, 429]);
    expect(expectErrorShape((await attempt('sprayed_x', '10.3.0.1').expect(429)).body, 429).code).toBe(
      'AUTH_LOGIN_RATE_LIMITED',
    );
  });

  it('takes the client address from X-Forwarded-For', async () => {
    const anonymous = await statuses(10, (index) => attempt(`fresh_${index}`, `10.4.0.${index + 1}`));
    expect(anonymous).toEqual(Array(10).fill(401));
  });
});

describe('X-Forwarded-For without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_MAX: '3', LOGIN_RATE_LIMIT_MAX: '1000', RATE_LIMIT_TTL_MS: '60000' });
  });
  afterAll(() => t.close());

  it('is ignored: rotating it does not give a client new budgets', async () => {
    const seen = await statuses(5, (index) =>
      t
        .http()
        .get('/api/v1/products')
        .set('X-Forwarded-For', `10.5.0.${index + 1}`),
    );
    expect(seen).toEqual([200, 200, 200, 429, 429]);
  });
});
