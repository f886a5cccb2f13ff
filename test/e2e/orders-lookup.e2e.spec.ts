import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

type Customer = Awaited<ReturnType<TestApp['customer']>>;

describe('orders: lookup by number and creation range', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let productId: number;
  const admin = () => bearer(t.adminToken);
  const order = async (token: string) =>
    (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(token))
        .send({ items: [{ productId, quantity: 1 }] })
        .expect(201)
    ).body as { id: number; orderNumber: string };

  beforeAll(async () => {
    t = await createTestApp();
    alice = await t.customer('lookup_alice');
    bob = await t.customer('lookup_bob');
    productId = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'Lookup Pen', price: '1.00', sku: 'LOOKUP-1', stockQuantity: 100 })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('finds an order by number for its owner and admins; anyone else gets the same 404 as a missing one', async () => {
    const mine = await order(alice.token);
    const found = (
      await t.http().get(`/api/v1/orders/by-number/${mine.orderNumber}`).set(bearer(alice.token)).expect(200)
    ).body;
    expect(found).toMatchObject({
      id: mine.id,
      orderNumber: mine.orderNumber,
      userId: alice.id,
      items: [expect.objectContaining({ productId, quantity: 1 })],
    });
    expect((await t.http().get(`/api/v1/orders/by-number/${mine.orderNumber}`).set(admin()).expect(200)).body.id).toBe(
      mine.id,
    );
    const foreign = expectErrorShape(
      (await t.http().get(`/api/v1/orders/by-number/${mine.orderNumber}`).set(bearer(bob.token)).expect(404)).body,
      404,
    );
    const missing = expectErrorShape(
      (await t.http().get('/api/v1/orders/by-number/ORD-19990101000000-ABCDEF').set(bearer(bob.token)).expect(404))
        .body,
      404,
    );
    expect([foreign.code, missing.code]).toEqual(['ORDER_NOT_FOUND', 'ORDER_NOT_FOUND']);
    // Someone else's order reads exactly like a missing one, message included.
    expect(foreign.message.replace(mine.orderNumber, 'N')).toBe(
      missing.message.replace('ORD-19990101000000-ABCDEF', 'N'),
    );
    await t.http().get(`/api/v1/orders/by-number/${mine.orderNumber}`).expect(401);
    // A number is not an id, and odd input is just not found.
    await t.http().get(`/api/v1/orders/by-number/${mine.id}`).set(admin()).expect(404);
    await t
      .http()
      .get(`/api/v1/orders/by-number/${encodeURIComponent("x' OR '1'='1")}`)
      .set(admin())
      .expect(404);
  });

  it('filters lists by from/to on the creation time, inclusive, combined with the owner rule', async () => {
    const carol = await t.customer('lookup_carol');
    const days = ['2025-01-10', '2025-02-10', '2025-03-10', '2025-04-10'];
    const ids: number[] = [];
    for (const day of days) {
      const { id } = await order(carol.token);
      // Known creation times, written the way each engine stores them.
      await t.dataSource.query(`UPDATE orders SET createdAt = '${day} 12:00:00' WHERE id = ${id}`);
      ids.push(id);
    }
    const list = async (token: string, query: Record<string, string>) =>
      (
        (
          await t
            .http()
            .get('/api/v1/orders')
            .query({ pageSize: 100, ...query })
            .set(bearer(token))
            .expect(200)
        ).body.items as { id: number }[]
      )
        .map((entry) => entry.id)
        .sort((a, b) => a - b);

    expect(await list(carol.token, { from: '2025-02-10T12:00:00Z', to: '2025-03-10T12:00:00.000Z' })).toEqual([
      ids[1],
      ids[2],
    ]);
    expect(await list(carol.token, { from: '2025-03-01T00:00:00Z' })).toEqual([ids[2], ids[3]]);
    expect(await list(carol.token, { to: '2025-01-31T00:00:00Z' })).toEqual([ids[0]]);
    // An offset is honoured: 13:00+01:00 is 12:00Z.
    expect(await list(carol.token, { from: '2025-04-10T13:00:00+01:00', to: '2025-04-10T13:00:00+01:00' })).toEqual([
      ids[3],
    ]);
    // Admins see every user's orders in the range (only carol's are in 2025), and may combine with userId.
    expect(await list(t.adminToken, { from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' })).toEqual(ids);
    expect(
      await list(t.adminToken, { from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z', userId: String(alice.id) }),
    ).toEqual([]);
    expect(
      await list(t.adminToken, { from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z', userId: String(carol.id) }),
    ).toEqual(ids);
    // Another customer sees none of them.
    expect(await list(alice.token, { from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' })).toEqual([]);
  });

  it('answers 400 in the error shape for bad dates or an inverted range', async () => {
    for (const query of [
      { from: 'yesterday' },
      { to: '2025-13-01T00:00:00Z' },
      { from: '2025-02-30' },
      { from: '' },
      { from: '2025-03-01T00:00:00Z', to: '2025-02-01T00:00:00Z' },
    ]) {
      const response = await t.http().get('/api/v1/orders').query(query).set(bearer(alice.token));
      expect([JSON.stringify(query), response.status]).toEqual([JSON.stringify(query), 400]);
      expectErrorShape(response.body, 400);
    }
  });
});
