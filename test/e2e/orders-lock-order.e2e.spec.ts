import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { testEngine } from '../setup/test-database.js';

/**
 * Orders take their stock either in one UPDATE that checks the products' remembered terms, or, when
 * a term changed, by locking the rows first (SELECT … FOR UPDATE) and then updating. Both must take
 * the row locks in the same order, primary key first and ascending: if the UPDATE went through a
 * secondary index (the optimizer picks the isActive index on a small table) it would lock that
 * index's entry before the row, while an order on the locking path holds the row and then wants the
 * entry, and the two deadlock. A deadlock is retried, so this counts the retries the process logs.
 * MariaDB only: SQLite has one writer and no row locks.
 */
(testEngine() === 'mariadb' ? describe : describe.skip)('orders and price edits racing on a few products', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'warn' });
  });
  afterAll(() => t.close());

  it('never deadlock: every order placed, no transaction retried', async () => {
    const products: number[] = [];
    for (const index of [1, 2, 3])
      products.push(
        (
          await t
            .http()
            .post('/api/v1/products')
            .set(admin())
            .send({ name: `Lock Order ${index}`, price: '10.00', sku: `LOCK-ORDER-${index}`, stockQuantity: 10_000 })
            .expect(201)
        ).body.id,
      );
    const customer = await t.customer('lock_order_buyer');
    const order = (ids: number[]) =>
      t
        .http()
        .post('/api/v1/orders')
        .set(bearer(customer.token))
        .send({ items: ids.map((productId) => ({ productId, quantity: 1 })) });
    // Every product's terms known, so the orders below start on the one-UPDATE path.
    await order(products).expect(201);
    const work: Promise<{ status: number }>[] = [];
    for (let round = 0; round < 80; round += 1) {
      work.push(order([products[round % 3], products[(round + 1) % 3]]));
      work.push(order([products[(round + 2) % 3], products[round % 3], products[(round + 1) % 3]]));
      // A price change sends the next orders of that product to the locking path.
      if (round % 4 === 0)
        work.push(
          t
            .http()
            .patch(`/api/v1/products/${products[round % 3]}`)
            .set(admin())
            .send({ price: `${10 + round}.00` }),
        );
    }
    const statuses = (await Promise.all(work)).map((response) => response.status);
    expect(statuses.filter((status) => status !== 200 && status !== 201)).toEqual([]);
    expect(t.process.output().match(/Transaction retried after \w+/g) ?? []).toEqual([]);
  });
});
