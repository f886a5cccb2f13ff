import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

describe('POST /products/bulk', () => {
  let t: TestApp;
  let categoryId: number;
  const admin = () => bearer(t.adminToken);
  const bulk = (body: unknown) =>
    t
      .http()
      .post('/api/v1/products/bulk')
      .set(admin())
      .send(body as object);
  const row = (sku: string, extra: Record<string, unknown> = {}) => ({
    name: `Bulk ${sku}`,
    price: '9.99',
    sku,
    stockQuantity: 3,
    ...extra,
  });
  const count = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM products'))[0].n);
  const publicTotal = async (search: string) =>
    (await t.http().get('/api/v1/products').query({ search }).expect(200)).body.total as number;

  beforeAll(async () => {
    t = await createTestApp();
    categoryId = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Bulk Things' }).expect(201)).body
      .id;
    await t
      .http()
      .post('/api/v1/products')
      .set(admin())
      .send({ name: 'Existing', price: '1.00', sku: 'BULK-TAKEN' })
      .expect(201);
  });
  afterAll(() => t.close());

  it('all: creates every row in one go, as POST /products would, and they are listed at once', async () => {
    expect(await publicTotal('ALLOK')).toBe(0); // cached for a second: the import must clear it
    const response = await bulk({
      mode: 'all',
      products: [
        row('allok-1', { categoryId }),
        row('allok-2', { price: 5 }),
        row('allok-3', { slug: 'custom-allok' }),
      ],
    }).expect(201);
    expect(response.body.failed).toEqual([]);
    expect(response.body.created.map((product: { sku: string }) => product.sku)).toEqual([
      'ALLOK-1',
      'ALLOK-2',
      'ALLOK-3',
    ]);
    expect(response.body.created[0]).toMatchObject({
      id: expect.any(Number),
      slug: 'bulk-allok-1',
      price: '9.99',
      categoryId,
      stockQuantity: 3,
      isActive: true,
      tags: [],
    });
    expect(response.body.created[2].slug).toBe('custom-allok');
    expect(await publicTotal('ALLOK')).toBe(3);
  });

  it('all: a bad row in the middle creates nothing and the error names its index', async () => {
    const before = await count();
    const invalid = await bulk({
      mode: 'all',
      products: [row('mid-1'), row('mid-2'), row('mid-3', { price: 0 }), row('mid-4')],
    }).expect(400);
    expectErrorShape(invalid.body, 400);
    expect(invalid.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      index: 2,
      message: expect.stringContaining('products[2]'),
    });
    expect(invalid.body.details).toEqual([{ field: 'products.2.price', message: expect.any(String) }]);
    // A conflict found only by the database checks, after rows 0 and 1 were inserted: rolled back too.
    const conflict = await bulk({
      mode: 'all',
      products: [row('mid-1'), row('mid-2'), row('bulk-taken'), row('mid-4')],
    }).expect(409);
    expect(conflict.body).toMatchObject({
      code: 'PRODUCT_SKU_TAKEN',
      index: 2,
      message: expect.stringContaining('BULK-TAKEN'),
    });
    const missingCategory = await bulk({
      mode: 'all',
      products: [row('mid-1'), row('mid-2', { categoryId: 999999 })],
    }).expect(404);
    expect(missingCategory.body).toMatchObject({ code: 'CATEGORY_NOT_FOUND', index: 1 });
    // A SKU repeated inside one import: the later row conflicts with the earlier one.
    const repeated = await bulk({
      mode: 'all',
      products: [row('dup-1'), row('mid-9'), row('DUP-1', { name: 'Another name' })],
    }).expect(409);
    expect(repeated.body).toMatchObject({
      code: 'PRODUCT_SKU_TAKEN',
      index: 2,
      message: expect.stringContaining('DUP-1'),
    });
    expect(await count()).toBe(before);
    expect(await publicTotal('MID-')).toBe(0);
  });

  it('partial: keeps the good rows and reports each failure by index with its code', async () => {
    const before = await count();
    // Each row runs in a savepoint of the one transaction (statement-counts.e2e counts them).
    const response = await bulk({
      mode: 'partial',
      products: [
        row('part-1'),
        row('part-2', { price: -1 }),
        row('bulk-taken'),
        row('part-4', { categoryId: 999999 }),
        row('part-5'),
        row('PART-1', { name: 'Repeat' }),
        'not an object',
        row('part-8', { unknownField: true }),
        row('part-9', { categoryId }),
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body.created.map((product: { sku: string }) => product.sku)).toEqual([
      'PART-1',
      'PART-5',
      'PART-9',
    ]);
    expect(response.body.failed).toEqual([
      {
        index: 1,
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('products.1.price'),
        details: [{ field: 'products.1.price', message: expect.any(String) }],
      },
      { index: 2, code: 'PRODUCT_SKU_TAKEN', message: expect.stringContaining('BULK-TAKEN') },
      { index: 3, code: 'CATEGORY_NOT_FOUND', message: expect.stringContaining('999999') },
      { index: 5, code: 'PRODUCT_SKU_TAKEN', message: expect.stringContaining('PART-1') },
      {
        index: 6,
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        details: [{ field: 'products.6', message: 'each item must be an object' }],
      },
      {
        index: 7,
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('unknownField'),
        details: [expect.objectContaining({ field: 'products.7.unknownField' })],
      },
    ]);
    expect(await count()).toBe(before + 3);
    // Nothing of the failed rows was left behind by their savepoints.
    expect(await publicTotal('PART-')).toBe(3);
    // Every row failing: nothing created, 200 with the report.
    const none = await bulk({ mode: 'partial', products: [row('bulk-taken'), row('part-5')] }).expect(200);
    expect(none.body).toEqual({
      created: [],
      failed: [
        expect.objectContaining({ index: 0, code: 'PRODUCT_SKU_TAKEN' }),
        expect.objectContaining({ index: 1, code: 'PRODUCT_SKU_TAKEN' }),
      ],
    });
  });

  it('takes 1 000 rows, refuses 1 001 or none, a bad mode, and non-admins', async () => {
    const before = await count();
    const thousand = Array.from({ length: 1_000 }, (_, index) => row(`k-${index}`));
    const response = await bulk({ mode: 'all', products: thousand }).expect(201);
    expect(response.body.created).toHaveLength(1_000);
    expect(await count()).toBe(before + 1_000);
    for (const body of [
      {
        mode: 'all',
        products: [...thousand.map((entry) => ({ ...entry, sku: `over-${entry.sku}` })), row('over-last')],
      },
      { mode: 'all', products: [] },
      { mode: 'some', products: [row('bad-mode')] },
      { products: [row('no-mode')] },
      { mode: 'all', products: 'x' },
      { mode: 'all', products: [row('extra')], extra: 1 },
    ]) {
      const refused = await bulk(body);
      expect([JSON.stringify(body).slice(0, 60), refused.status]).toEqual([JSON.stringify(body).slice(0, 60), 400]);
      expectErrorShape(refused.body, 400);
    }
    const customer = await t.customer('bulk_customer');
    await t
      .http()
      .post('/api/v1/products/bulk')
      .set(bearer(customer.token))
      .send({ mode: 'all', products: [row('cust-1')] })
      .expect(403);
    await t
      .http()
      .post('/api/v1/products/bulk')
      .send({ mode: 'all', products: [row('anon-1')] })
      .expect(401);
    expect(await count()).toBe(before + 1_000);
  });
});
