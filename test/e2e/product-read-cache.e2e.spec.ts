import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordStatements } from '../helpers/statements.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: it counts the statements a read sends, which
// only the app's own DataSource sees. What the reads answer is covered on the bundle by products and orders.

/**
 * GET /products/:id, by-sku and by-slug reuse a product read for up to a second; every write through
 * the process that changes what the answer shows (the product, its stock through an order or a cancel,
 * its tags, its category) makes the next read go to the database and answer the change.
 */
describe('single-product reads kept for a second', () => {
  let t: InProcessApp;
  let categoryId: number;
  const admin = () => bearer(t.adminToken);
  const productReads = (statements: string[]) => statements.filter((sql) => /^\s*SELECT .*FROM .products/is.test(sql));

  beforeAll(async () => {
    t = await createInProcessApp();
    categoryId = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Kept Shelf' }).expect(201)).body
      .id;
  });
  afterAll(() => t?.close());

  /** The answer and the product statements of one anonymous read. */
  const read = async (path: string) => {
    const { result, statements } = await recordStatements(t.dataSource, () => t.http().get(path).expect(200));
    return { body: result.body, reads: productReads(statements).length };
  };

  it('answers a repeated read without the database, and every change at once', async () => {
    const created = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'Kept Kettle', price: '20.00', sku: 'KEPT-1', stockQuantity: 10, categoryId })
        .expect(201)
    ).body;
    const path = `/api/v1/products/${created.id}`;
    expect(await read(path)).toMatchObject({ reads: 1, body: { price: '20.00' } });
    expect(await read(path)).toMatchObject({ reads: 0, body: { price: '20.00', stockQuantity: 10 } });
    expect((await read(`/api/v1/products/by-sku/${created.sku}`)).reads).toBe(1);

    await t.http().patch(path).set(admin()).send({ price: '21.00' }).expect(200);
    expect(await read(path)).toMatchObject({ reads: 1, body: { price: '21.00' } });

    const customer = await t.customer('kept_buyer');
    const order = (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(customer.token))
        .send({ items: [{ productId: created.id, quantity: 3 }] })
        .expect(201)
    ).body;
    expect((await read(path)).body.stockQuantity).toBe(7);
    await t
      .http()
      .patch(`/api/v1/orders/${order.id}/status`)
      .set(bearer(customer.token))
      .send({ status: 'cancelled' })
      .expect(200);
    expect((await read(path)).body.stockQuantity).toBe(10);

    const tag = (await t.http().post('/api/v1/tags').set(admin()).send({ name: 'Kept Tag' }).expect(201)).body;
    await t
      .http()
      .put(`${path}/tags`)
      .set(admin())
      .send({ tagIds: [tag.id] })
      .expect(200);
    expect((await read(path)).body.tags.map((entry: { id: number }) => entry.id)).toEqual([tag.id]);
    await t.http().delete(`/api/v1/tags/${tag.id}`).set(admin()).expect(204);
    expect((await read(path)).body.tags).toEqual([]);

    await t.http().patch(`/api/v1/categories/${categoryId}`).set(admin()).send({ name: 'Kept Aisle' }).expect(200);
    expect((await read(path)).body.category.name).toBe('Kept Aisle');
    await t.http().delete(`/api/v1/categories/${categoryId}`).set(admin()).expect(204);
    expect(await read(path)).toMatchObject({ body: { categoryId: null, category: null } });

    await t.http().delete(path).set(admin()).expect(204);
    await t.http().get(path).expect(404);
  });

  it('does not keep a missing product, so one created meanwhile is found at once', async () => {
    await t.http().get('/api/v1/products/by-sku/KEPT-LATE').expect(404);
    await t
      .http()
      .post('/api/v1/products')
      .set(admin())
      .send({ name: 'Kept Late', price: '1.00', sku: 'KEPT-LATE' })
      .expect(201);
    await t.http().get('/api/v1/products/by-sku/KEPT-LATE').expect(200);
  });
});
