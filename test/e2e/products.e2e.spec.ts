import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

describe('products', () => {
  let t: TestApp;
  let categoryId: number;
  let otherCategoryId: number;
  const admin = () => bearer(t.adminToken);
  const create = async (body: Record<string, unknown>) =>
    (await t.http().post('/api/v1/products').set(admin()).send(body).expect(201)).body;
  const skus = (body: { items: { sku: string }[] }) => body.items.map((product) => product.sku);

  beforeAll(async () => {
    t = await createTestApp();
    categoryId = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Gadgets' }).expect(201)).body.id;
    otherCategoryId = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Gizmos' }).expect(201)).body
      .id;
  });
  afterAll(() => t.close());

  it('creates with SKU normalised, derived slug, money as a two-place string; admins only', async () => {
    const created = await create({
      name: 'Wireless Mouse',
      price: 79.9,
      sku: ' wm-1001 ',
      stockQuantity: 5,
      categoryId,
      description: 'Clicky',
    });
    expect(created).toEqual({
      id: expect.any(Number),
      name: 'Wireless Mouse',
      slug: 'wireless-mouse',
      description: 'Clicky',
      price: '79.90',
      sku: 'WM-1001',
      stockQuantity: 5,
      isActive: true,
      categoryId,
      tags: [],
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });
    const customer = await t.customer();
    await t
      .http()
      .post('/api/v1/products')
      .set(bearer(customer.token))
      .send({ name: 'X', price: 1, sku: 'X-1' })
      .expect(403);
    await t.http().post('/api/v1/products').send({ name: 'X', price: 1, sku: 'X-1' }).expect(401);
    // Same name in another category: allowed, with a slug that stays unique.
    const twin = await create({ name: 'Wireless Mouse', price: '10', sku: 'wm-2', categoryId: otherCategoryId });
    expect(twin.slug).toBe('wireless-mouse-wm-2');
  });

  it('answers 400/404/409 for bad input and constraint violations, never 500', async () => {
    await create({ name: 'Unique Thing', price: '1.00', sku: 'UT-1', categoryId });
    const bad = [
      { name: 'A', price: 0, sku: 'A-1' },
      { name: 'A', price: -5, sku: 'A-1' },
      { name: 'A', price: '1.234', sku: 'A-1' },
      { name: 'A', price: '100000000.00', sku: 'A-1' },
      { name: 'A', price: 'abc', sku: 'A-1' },
      { name: 'A', price: 1, sku: 'A_1' },
      { name: 'A', price: 1, sku: 'A 1' },
      { name: 'A', price: 1, sku: 'A-1', stockQuantity: -1 },
      { name: 'A', price: 1, sku: 'A-1', stockQuantity: 1.5 },
      { name: '', price: 1, sku: 'A-1' },
      { name: 'A', price: 1, sku: 'A-1', slug: 'Not A Slug' },
      { name: 'A', price: 1, sku: 'A-1', unknown: true },
      { price: 1, sku: 'A-1' },
    ];
    for (const body of bad) {
      const response = await t.http().post('/api/v1/products').set(admin()).send(body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expectErrorShape(response.body, 400);
    }
    const detail = (
      await t.http().post('/api/v1/products').set(admin()).send({ name: 'A', price: 0, sku: 'a-1' }).expect(400)
    ).body.details;
    expect(detail).toEqual([{ field: 'price', message: expect.stringContaining('0.01') }]);
    // The message names the stored (upper-cased) SKU.
    expect(
      (await t.http().post('/api/v1/products').set(admin()).send({ name: 'Other', price: 1, sku: 'ut-1' }).expect(409))
        .body,
    ).toMatchObject({
      code: 'PRODUCT_SKU_TAKEN',
      message: expect.stringContaining('UT-1'),
    });
    expect(
      (
        await t
          .http()
          .post('/api/v1/products')
          .set(admin())
          .send({ name: 'Other', price: 1, sku: 'UT-2', slug: 'unique-thing' })
          .expect(409)
      ).body.code,
    ).toBe('PRODUCT_SLUG_TAKEN');
    expectErrorShape(
      (
        await t
          .http()
          .post('/api/v1/products')
          .set(admin())
          .send({ name: 'Unique Thing', price: 1, sku: 'UT-3', categoryId })
          .expect(409)
      ).body,
      409,
    );
    await t
      .http()
      .post('/api/v1/products')
      .set(admin())
      .send({ name: 'Lost', price: 1, sku: 'UT-4', categoryId: 999999 })
      .expect(404);
  });

  it('enforces price > 0, stock >= 0 and unique SKU in the database too', async () => {
    const product = await create({ name: 'Db Guarded', price: '2.00', sku: 'DB-1' });
    const run = (sql: string) =>
      t.dataSource.query(sql).then(
        () => 'ok',
        () => 'refused',
      );
    expect(await run(`UPDATE products SET price = 0 WHERE id = ${product.id}`)).toBe('refused');
    expect(await run(`UPDATE products SET stockQuantity = -1 WHERE id = ${product.id}`)).toBe('refused');
    expect(await run(`UPDATE products SET sku = 'UT-1' WHERE id = ${product.id}`)).toBe('refused');
    expect(await run(`UPDATE products SET price = 3 WHERE id = ${product.id}`)).toBe('ok');
  });

  it('lists with every filter, search, sort and pagination maths', async () => {
    const cat = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Filters' }).expect(201)).body.id;
    await create({
      name: 'Filter Alpha',
      price: '10.00',
      sku: 'F-A',
      stockQuantity: 0,
      categoryId: cat,
      description: 'has a Needle inside',
    });
    await create({ name: 'Filter Bravo', price: '20.00', sku: 'F-B', stockQuantity: 3, categoryId: cat });
    await create({ name: 'Filter Charlie', price: '30.00', sku: 'F-C', stockQuantity: 7, categoryId: cat });
    const delta = await create({
      name: 'Filter Delta 100%',
      price: '40.00',
      sku: 'F-D',
      stockQuantity: 1,
      categoryId: cat,
    });
    const echo = await create({ name: 'Filter Echo', price: '50.00', sku: 'F-E', stockQuantity: 9, categoryId: cat });
    await t.http().delete(`/api/v1/products/${echo.id}`).set(admin()).expect(204);
    const list = (query: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t
        .http()
        .get('/api/v1/products')
        .query({ categoryId: cat, ...query })
        .set(headers)
        .expect(200)
        .then((response) => response.body);

    expect(skus(await list({}))).toEqual(['F-A', 'F-B', 'F-C', 'F-D']);
    expect(skus(await list({ minPrice: '20', maxPrice: '30.00' }))).toEqual(['F-B', 'F-C']);
    expect(skus(await list({ inStock: 'true' }))).toEqual(['F-B', 'F-C', 'F-D']);
    expect(skus(await list({ inStock: 'false' }))).toEqual(['F-A']);
    expect(skus(await list({ search: 'needle' }))).toEqual(['F-A']);
    expect(skus(await list({ search: 'f-c' }))).toEqual(['F-C']);
    expect(skus(await list({ search: '100%' }))).toEqual(['F-D']);
    expect(skus(await list({ search: '%' }))).toEqual(['F-D']);
    expect(skus(await list({ sort: '-price' }))).toEqual(['F-D', 'F-C', 'F-B', 'F-A']);
    expect(skus(await list({ sort: 'stockQuantity' }))).toEqual(['F-A', 'F-D', 'F-B', 'F-C']);
    expect(skus(await list({ sort: '-name' }))).toEqual(['F-D', 'F-C', 'F-B', 'F-A']);
    expect(skus(await list({ sort: 'createdAt' }))).toEqual(['F-A', 'F-B', 'F-C', 'F-D']);
    // isActive is an admin filter; everyone else sees active products only.
    expect(skus(await list({ isActive: 'false' }))).toEqual(['F-A', 'F-B', 'F-C', 'F-D']);
    expect(skus(await list({ isActive: 'false' }, admin()))).toEqual(['F-E']);
    expect(skus(await list({}, admin()))).toEqual(['F-A', 'F-B', 'F-C', 'F-D', 'F-E']);
    const customer = await t.customer();
    expect(skus(await list({ isActive: 'false' }, bearer(customer.token)))).toEqual(['F-A', 'F-B', 'F-C', 'F-D']);
    expect(skus(await list({}, bearer('not-a-token')))).toEqual(['F-A', 'F-B', 'F-C', 'F-D']);

    const page2 = await list({ page: 2, pageSize: 3, sort: 'price' });
    expect(page2).toMatchObject({ total: 4, page: 2, pageSize: 3, totalPages: 2, hasNext: false, hasPrevious: true });
    expect(skus(page2)).toEqual(['F-D']);
    expect(await list({ page: 3, pageSize: 3 })).toMatchObject({
      items: [],
      total: 4,
      totalPages: 2,
      hasNext: false,
      hasPrevious: true,
    });
    expect((await list({ pageSize: 2 })).hasNext).toBe(true);
    expect(delta.price).toBe('40.00');

    for (const query of [
      { pageSize: 0 },
      { pageSize: 101 },
      { page: 0 },
      { sort: 'sku' },
      { minPrice: 'cheap' },
      { minPrice: '1.001' },
      { inStock: 'maybe' },
      { categoryId: 'x' },
    ]) {
      expectErrorShape((await t.http().get('/api/v1/products').query(query).expect(400)).body, 400);
    }
  });

  it('reads one by id (with category), by SKU and by slug; inactive ones for admins only', async () => {
    const product = await create({ name: 'Lookup Lamp', price: '12.34', sku: 'look-1', categoryId });
    const byId = (await t.http().get(`/api/v1/products/${product.id}`).expect(200)).body;
    expect(byId).toMatchObject({ id: product.id, category: { id: categoryId, name: 'Gadgets', slug: 'gadgets' } });
    expect((await t.http().get('/api/v1/products/by-sku/LOOK-1').expect(200)).body.id).toBe(product.id);
    expect((await t.http().get('/api/v1/products/by-sku/look-1').expect(200)).body.category.id).toBe(categoryId);
    expect((await t.http().get('/api/v1/products/by-slug/lookup-lamp').expect(200)).body.id).toBe(product.id);
    expectErrorShape((await t.http().get('/api/v1/products/by-sku/NOPE').expect(404)).body, 404);
    await t.http().get('/api/v1/products/by-slug/nope').expect(404);
    await t.http().get('/api/v1/products/999999').expect(404);
    await t.http().get('/api/v1/products/abc').expect(404); // not a digit: no :id route matches (route-params.e2e.spec)

    await t.http().delete(`/api/v1/products/${product.id}`).set(admin()).expect(204);
    await t.http().get(`/api/v1/products/${product.id}`).expect(404);
    await t.http().get('/api/v1/products/by-sku/LOOK-1').expect(404);
    expect((await t.http().get(`/api/v1/products/${product.id}`).set(admin()).expect(200)).body.isActive).toBe(false);
    await t.http().delete('/api/v1/products/999999').set(admin()).expect(404);
  });

  it('updates partially with the same rules', async () => {
    const product = await create({ name: 'Patchable', price: '5.00', sku: 'PATCH-1', stockQuantity: 2 });
    await create({ name: 'Patch Blocker', price: '5.00', sku: 'PATCH-2' });
    const updated = await t
      .http()
      .patch(`/api/v1/products/${product.id}`)
      .set(admin())
      .send({ price: '6.5', sku: 'patch-1b', categoryId })
      .expect(200);
    expect(updated.body).toMatchObject({
      price: '6.50',
      sku: 'PATCH-1B',
      categoryId,
      name: 'Patchable',
      stockQuantity: 2,
    });
    expect(
      (await t.http().patch(`/api/v1/products/${product.id}`).set(admin()).send({ categoryId: null }).expect(200)).body
        .categoryId,
    ).toBeNull();
    await t.http().patch(`/api/v1/products/${product.id}`).set(admin()).send({ sku: 'PATCH-2' }).expect(409);
    await t.http().patch(`/api/v1/products/${product.id}`).set(admin()).send({ name: 'Patch Blocker' }).expect(409);
    await t.http().patch(`/api/v1/products/${product.id}`).set(admin()).send({ price: 0 }).expect(400);
    await t.http().patch(`/api/v1/products/${product.id}`).set(admin()).send({ categoryId: 999999 }).expect(404);
    await t.http().patch('/api/v1/products/999999').set(admin()).send({ price: 1 }).expect(404);
    const customer = await t.customer();
    await t.http().patch(`/api/v1/products/${product.id}`).set(bearer(customer.token)).send({ price: 1 }).expect(403);
  });

  it('changes stock by a delta atomically; 409 below zero', async () => {
    const product = await create({ name: 'Stocky', price: '1.00', sku: 'STOCK-1', stockQuantity: 5 });
    expect(
      (await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: 3 }).expect(200)).body
        .stockQuantity,
    ).toBe(8);
    expect(
      (await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: -8 }).expect(200)).body
        .stockQuantity,
    ).toBe(0);
    expectErrorShape(
      (await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: -1 }).expect(409)).body,
      409,
    );
    await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: 1.5 }).expect(400);
    await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({}).expect(400);
    await t.http().patch('/api/v1/products/999999/stock').set(admin()).send({ delta: 1 }).expect(404);
    // Concurrent decrements: exactly as many succeed as there is stock.
    await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: 5 }).expect(200);
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: -1 }),
      ),
    );
    expect(results.filter((response) => response.status === 200)).toHaveLength(5);
    expect(results.filter((response) => response.status === 409)).toHaveLength(7);
    expect((await t.http().get(`/api/v1/products/${product.id}`).expect(200)).body.stockQuantity).toBe(0);
  });

  it('shows this process its own writes in the (cached) public list at once', async () => {
    const product = await create({ name: 'Cached Lamp', price: '12.00', sku: 'CACHE-1', stockQuantity: 4 });
    const listed = async () => {
      const body = (await t.http().get('/api/v1/products').query({ search: 'cached lamp' }).expect(200)).body;
      return body.items.find((item: { id: number }) => item.id === product.id) as
        { stockQuantity: number; price: string } | undefined;
    };
    expect(await listed()).toMatchObject({ stockQuantity: 4, price: '12.00' });
    await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: 6 }).expect(200);
    expect((await listed())?.stockQuantity).toBe(10);
    const customer = await t.customer();
    await t
      .http()
      .post('/api/v1/orders')
      .set(bearer(customer.token))
      .send({ items: [{ productId: product.id, quantity: 3 }] })
      .expect(201);
    expect((await listed())?.stockQuantity).toBe(7);
    await t.http().patch(`/api/v1/products/${product.id}`).set(admin()).send({ price: '9.50' }).expect(200);
    expect((await listed())?.price).toBe('9.50');
    await t.http().delete(`/api/v1/products/${product.id}`).set(admin()).expect(204);
    expect(await listed()).toBeUndefined();
  });

  it('lists low stock for admins, lowest first', async () => {
    const cat = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Low' }).expect(201)).body.id;
    await create({ name: 'Low 3', price: 1, sku: 'LOW-3', stockQuantity: 3, categoryId: cat });
    await create({ name: 'Low 0', price: 1, sku: 'LOW-0', stockQuantity: 0, categoryId: cat });
    await create({ name: 'Low 50', price: 1, sku: 'LOW-50', stockQuantity: 50, categoryId: cat });
    const response = await t
      .http()
      .get('/api/v1/products/low-stock')
      .query({ threshold: 3, pageSize: 100 })
      .set(admin())
      .expect(200);
    const quantities = response.body.items.map((product: { stockQuantity: number }) => product.stockQuantity);
    expect(quantities).toEqual([...quantities].sort((a, b) => a - b));
    expect(quantities.every((quantity: number) => quantity <= 3)).toBe(true);
    expect(skus(response.body)).toEqual(expect.arrayContaining(['LOW-0', 'LOW-3']));
    expect(skus(response.body)).not.toContain('LOW-50');
    const customer = await t.customer();
    await t.http().get('/api/v1/products/low-stock').set(bearer(customer.token)).expect(403);
    await t.http().get('/api/v1/products/low-stock').expect(401);
    await t.http().get('/api/v1/products/low-stock').query({ threshold: -1 }).set(admin()).expect(400);
  });

  it('documents public reads as optionally authenticated in Swagger', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body;
    for (const path of [
      '/api/v1/products',
      '/api/v1/products/{id}',
      '/api/v1/products/by-sku/{sku}',
      '/api/v1/products/by-slug/{slug}',
    ]) {
      expect([path, document.paths[path].get.security]).toEqual([
        path,
        expect.arrayContaining([{}, { bearer: [] }, { oauth2: [] }]),
      ]);
    }
    expect(document.paths['/api/v1/products/low-stock'].get.security).not.toContainEqual({});
    expect(document.components.schemas.ProductResponseDto.properties.price).toMatchObject({ type: 'string' });
  });
});
