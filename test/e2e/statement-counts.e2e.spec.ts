import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { recordStatements } from '../helpers/statements.js';
import { bearer } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: these tests count the SQL statements the
// app's own DataSource sends for one request (N+1 reads, savepoints), which only its logger sees.
// What the requests answer is covered on the bundle by orders, tags and products-bulk.

describe('statements per request', () => {
  let t: InProcessApp;
  let skuCounter = 0;
  const admin = () => bearer(t.adminToken);
  const product = async (name: string, price = '10.00', stockQuantity = 100) =>
    (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name, price, stockQuantity, sku: `STMT-${++skuCounter}` })
        .expect(201)
    ).body as { id: number };
  const reads = (statements: string[]) => statements.filter((sql) => /^\s*SELECT/i.test(sql));

  beforeAll(async () => {
    t = await createInProcessApp();
  });
  afterAll(() => t.close());

  it('lists 20 orders of several items with a constant number of statements (no N+1)', async () => {
    const frank = await t.customer('order_frank');
    const items = await Promise.all([product('One', '1.00'), product('Two', '2.00'), product('Three', '3.00')]);
    for (let index = 0; index < 20; index += 1) {
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(frank.token))
        .send({ items: items.map((item) => ({ productId: item.id, quantity: 1 })) })
        .expect(201);
    }
    const { result: response, statements } = await recordStatements(t.dataSource, () =>
      t.http().get('/api/v1/orders').query({ pageSize: 20 }).set(bearer(frank.token)).expect(200),
    );
    expect(response.body.items).toHaveLength(20);
    expect(response.body.items.every((entry: { items: unknown[] }) => entry.items.length === 3)).toBe(true);
    // The page, its count, the items and the events of all 20 orders in one IN query each (+ at most the caller).
    expect(reads(statements).length).toBeGreaterThanOrEqual(2);
    expect(reads(statements).length).toBeLessThanOrEqual(5);
    expect(reads(statements).filter((sql) => /order_items/.test(sql))).toHaveLength(1);
    expect(reads(statements).filter((sql) => /order_events/.test(sql))).toHaveLength(1);
  });

  it('places an order in 7 statements, 6 once its products are known, no read after a write', async () => {
    const grace = await t.customer('order_grace');
    const items = await Promise.all([product('Four', '4.00'), product('Five', '5.00'), product('Six', '6.00')]);
    /** One order of every product, and its statements (the sign-in events written in the background aside). */
    const orderAll = async (quantity: number) => {
      const { result, statements } = await recordStatements(t.dataSource, () =>
        t
          .http()
          .post('/api/v1/orders')
          .set(bearer(grace.token))
          .send({ items: items.map((item) => ({ productId: item.id, quantity })) })
          .expect(201),
      );
      const ofRequest = statements.filter((sql) => !/auth_events/.test(sql));
      const unit = ofRequest.slice(ofRequest.findIndex((sql) => /^(BEGIN|START TRANSACTION)/i.test(sql)));
      return { response: result, statements: ofRequest, unit };
    };
    const { response, statements, unit } = await orderAll(2);
    // BEGIN, the product rows locked and read, the stock taken in one UPDATE, one INSERT each for
    // the order, its three items and its first event, COMMIT (it was 12: a read back after the
    // order's and the event's INSERTs, one INSERT per item, the events read again). The response
    // is built from what was written; the caller's own row may be read by auth, before the unit.
    const inserts = statements.filter((sql) => /^\s*INSERT/i.test(sql));
    expect(inserts.filter((sql) => /order_items/.test(sql))).toHaveLength(1);
    expect(inserts).toHaveLength(3);
    expect(reads(statements).filter((sql) => /order/.test(sql))).toHaveLength(0);
    expect(reads(statements).filter((sql) => /products/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /^\s*UPDATE/i.test(sql))).toHaveLength(1);
    expect(unit).toHaveLength(7);
    expect(unit[6]).toMatch(/^COMMIT/i);
    const order = (await t.http().get(`/api/v1/orders/${response.body.id}`).set(bearer(grace.token)).expect(200)).body;
    expect(response.body).toEqual(order);

    // The products' names and prices are now known: the next order takes the stock in one UPDATE
    // that checks them, and reads nothing.
    const second = await orderAll(1);
    expect(reads(second.statements).filter((sql) => /products|order/.test(sql))).toHaveLength(0);
    expect(second.unit).toHaveLength(6);
    expect(second.unit[1]).toMatch(/^UPDATE .*products.* AND price = .* AND name = /is);
    expect(second.unit[5]).toMatch(/^COMMIT/i);
  });

  it('loads the tags of a page of products with one query (no N+1)', async () => {
    const tagIds: number[] = [];
    for (const name of ['Np One', 'Np Two', 'Np Three'])
      tagIds.push((await t.http().post('/api/v1/tags').set(admin()).send({ name }).expect(201)).body.id as number);
    for (let index = 0; index < 20; index += 1) {
      const created = await product(`NPlusOne ${index}`);
      await t.http().put(`/api/v1/products/${created.id}/tags`).set(admin()).send({ tagIds }).expect(200);
    }
    const { result: response, statements } = await recordStatements(t.dataSource, () =>
      t.http().get('/api/v1/products').query({ search: 'NPlusOne', pageSize: 20 }).expect(200),
    );
    expect(response.body.items).toHaveLength(20);
    expect(response.body.items.every((item: { tags: unknown[] }) => item.tags.length === 3)).toBe(true);
    // The count, the page and the tags of all 20 products in one IN query.
    expect(reads(statements).length).toBeLessThanOrEqual(3);
    expect(reads(statements).filter((sql) => /product_tags/.test(sql))).toHaveLength(1);
  });

  it('runs each valid row of a partial bulk import in a savepoint, rolling back only the conflicts', async () => {
    await product('Taken', '1.00', 1).then(() => undefined);
    const taken = `STMT-${skuCounter}`;
    const row = (sku: string, extra: Record<string, unknown> = {}) => ({
      name: `Bulk ${sku}`,
      price: '9.99',
      sku,
      ...extra,
    });
    const { result: response, statements } = await recordStatements(t.dataSource, () =>
      t
        .http()
        .post('/api/v1/products/bulk')
        .set(admin())
        .send({ mode: 'partial', products: [row('sp-1'), row('sp-2', { price: -1 }), row(taken), row('sp-4')] })
        .expect(201),
    );
    expect(response.body.created).toHaveLength(2);
    // The three rows that passed validation get a savepoint each; the SKU conflict rolls back to its own.
    expect(statements.filter((sql) => /^SAVEPOINT/i.test(sql))).toHaveLength(3);
    expect(statements.filter((sql) => /^ROLLBACK TO SAVEPOINT/i.test(sql))).toHaveLength(1);
  });
});
