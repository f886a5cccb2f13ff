import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

/** Printable ASCII (what a header may carry), up to `max` characters. */
const printable = (max: number) =>
  fc.array(fc.integer({ min: 0x21, max: 0x7e }), { maxLength: max }).map((codes) => String.fromCharCode(...codes));

/**
 * Changes one character of `text` at `at` (mod its length) to `to`, or returns it unchanged if that is already
 * the character.
 */
const mutate = (text: string, at: number, to: string) => {
  const index = at % text.length;
  return text.slice(0, index) + to + text.slice(index + 1);
};

/**
 * What this stop rebuilt, attacked: the single-product read's prebuilt statement (any key text:
 * unicode, SQL fragments, very long, percent-encoded) and the verified-token cache (garbage,
 * near-misses of a cached valid token, other secrets). Every answer is a 4xx in the contract's
 * shape or the real product; nothing is written, and the valid token keeps working.
 */
describe('hostile keys and tokens on the rebuilt read and auth paths', () => {
  let t: TestApp;
  let product: Record<string, unknown>;
  let user: { id: number; token: string };

  beforeAll(async () => {
    t = await createTestApp();
    const { id } = (
      await t
        .http()
        .post('/api/v1/products')
        .set(bearer(t.adminToken))
        .send({ name: 'Hostile target', sku: 'HOSTILE-1', price: '3.50', stockQuantity: 4 })
        .expect(201)
    ).body;
    // As the single-product routes answer it (with its category).
    product = (
      await t
        .http()
        .get(`/api/v1/products/${id as number}`)
        .expect(200)
    ).body;
    user = await t.customer('hostile_tokens');
  });
  afterAll(() => t?.close());

  it('answers any product key with the product or a 4xx in the error shape, and changes nothing', async () => {
    const key = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      printable(300),
      fc.constantFrom(
        "' OR 1=1 --",
        'HOSTILE-1; DROP TABLE products',
        '%00',
        '..%2F..%2F',
        'hostile-1',
        ' HOSTILE-1 ',
        '9'.repeat(40),
        '-1',
        '0x1',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('by-sku/', 'by-slug/', ''), key, async (route, value) => {
        // `/products/` with nothing after it is the list.
        fc.pre(route !== '' || value !== '');
        const response = await t.http().get(`/api/v1/products/${route}${encodeURIComponent(value)}`);
        expect(response.status).toBeLessThan(500);
        if (response.status === 200) expect(response.body).toEqual(product);
        else expectErrorShape(response.body, response.status);
      }),
      { numRuns: 150 },
    );
    const { body } = await t.http().get('/api/v1/products').set(bearer(t.adminToken)).expect(200);
    expect(body.total).toBe(1);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/products/${product.id as number}`)
          .expect(200)
      ).body,
    ).toEqual(product);
  });

  it('refuses garbage and near-miss tokens (401) once the valid one is cached; the valid one still works', async () => {
    await t.http().get('/api/v1/auth/me').set(bearer(user.token)).expect(200);
    const nearMiss = fc
      .tuple(fc.nat(), fc.constantFrom('A', 'b', '_', '-', '.', '='))
      .map(([at, to]) => mutate(user.token, at, to));
    const token = fc.oneof(
      printable(400),
      nearMiss,
      printable(40).map((tail) => `${user.token}${tail}`),
    );
    await fc.assert(
      fc.asyncProperty(token, async (candidate) => {
        fc.pre(candidate !== user.token && candidate.length > 0);
        // The signature is compared as text, so any other text is another token: never the cached one.
        const response = await t.http().get('/api/v1/auth/me').set(bearer(candidate));
        expect(expectErrorShape(response.body, 401).code).toBe('AUTH_TOKEN_INVALID');
      }),
      { numRuns: 150 },
    );
    expect((await t.http().get('/api/v1/auth/me').set(bearer(user.token)).expect(200)).body.id).toBe(user.id);
  });
});
