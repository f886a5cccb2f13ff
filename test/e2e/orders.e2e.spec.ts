import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

type Customer = Awaited<ReturnType<TestApp['customer']>>;

describe('orders', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let skuCounter = 0;
  const admin = () => bearer(t.adminToken);
  const product = async (price: string | number, stockQuantity: number, name = `Product ${++skuCounter}`) =>
    (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name, price, stockQuantity, sku: `ORD-P-${++skuCounter}` })
        .expect(201)
    ).body as { id: number; name: string };
  const stockOf = async (id: number) =>
    (await t.http().get(`/api/v1/products/${id}`).set(admin()).expect(200)).body.stockQuantity as number;
  const order = (token: string, body: Record<string, unknown>) =>
    t.http().post('/api/v1/orders').set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    alice = await t.customer('order_alice');
    bob = await t.customer('order_bob');
  });
  afterAll(() => t.close());

  it('places an order: stock taken, prices copied, total to the cent', async () => {
    const pen = await product('19.99', 10, 'Pen');
    const clip = await product('0.10', 100, 'Clip');
    const response = await order(alice.token, {
      items: [
        { productId: pen.id, quantity: 3 },
        { productId: clip.id, quantity: 7 },
      ],
      shippingAddress: '1 Main St',
    }).expect(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      orderNumber: expect.stringMatching(/^ORD-\d{14}-[0-9A-F]{6}$/),
      status: 'pending',
      totalAmount: '60.67',
      userId: alice.id,
      shippingAddress: '1 Main St',
      items: [
        {
          id: expect.any(Number),
          productId: pen.id,
          productName: 'Pen',
          quantity: 3,
          unitPrice: '19.99',
          totalPrice: '59.97',
        },
        {
          id: expect.any(Number),
          productId: clip.id,
          productName: 'Clip',
          quantity: 7,
          unitPrice: '0.10',
          totalPrice: '0.70',
        },
      ],
      events: [{ from: null, to: 'pending', by: alice.id, at: expect.stringMatching(/Z$/) }],
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });
    expect(await stockOf(pen.id)).toBe(7);
    expect(await stockOf(clip.id)).toBe(93);
    // A later price change does not touch the order.
    await t
      .http()
      .patch(`/api/v1/products/${pen.id}`)
      .set(admin())
      .send({ price: '25.00', name: 'Pen Deluxe' })
      .expect(200);
    const again = await t.http().get(`/api/v1/orders/${response.body.id}`).set(bearer(alice.token)).expect(200);
    expect(again.body.items[0]).toMatchObject({ productName: 'Pen', unitPrice: '19.99' });
    expect(again.body.totalAmount).toBe('60.67');
    // Sums that floats get wrong stay exact: 3 × 0.10 + 0.20.
    const dime = await product('0.10', 10);
    const fifth = await product('0.20', 10);
    expect(
      (
        await order(alice.token, {
          items: [
            { productId: dime.id, quantity: 3 },
            { productId: fifth.id, quantity: 1 },
          ],
        }).expect(201)
      ).body.totalAmount,
    ).toBe('0.50');
  });

  it('refuses missing, inactive and short products and leaves every stock unchanged', async () => {
    const plenty = await product('5.00', 50);
    const scarce = await product('7.00', 2, 'Scarce Widget');
    const retired = await product('3.00', 5, 'Retired Thing');
    await t.http().delete(`/api/v1/products/${retired.id}`).set(admin()).expect(204);
    const missing = await order(alice.token, {
      items: [
        { productId: plenty.id, quantity: 1 },
        { productId: 999999, quantity: 1 },
      ],
    }).expect(404);
    expect(expectErrorShape(missing.body, 404)).toMatchObject({
      code: 'PRODUCT_NOT_FOUND',
      message: 'Product 999999 not found',
    });
    const short = await order(alice.token, {
      items: [
        { productId: plenty.id, quantity: 5 },
        { productId: scarce.id, quantity: 3 },
      ],
    }).expect(409);
    // The contract spells this message out (it names the product and both counts), so it is asserted beside the code.
    expect(expectErrorShape(short.body, 409)).toMatchObject({
      code: 'ORDER_INSUFFICIENT_STOCK',
      message: "Insufficient stock for 'Scarce Widget'. Available: 2, Requested: 3",
    });
    // Two lines of the same product count together.
    const doubled = await order(alice.token, {
      items: [
        { productId: scarce.id, quantity: 2 },
        { productId: scarce.id, quantity: 1 },
      ],
    }).expect(409);
    expect(doubled.body).toMatchObject({
      code: 'ORDER_INSUFFICIENT_STOCK',
      message: "Insufficient stock for 'Scarce Widget'. Available: 2, Requested: 3",
    });
    const inactive = await order(alice.token, {
      items: [
        { productId: plenty.id, quantity: 1 },
        { productId: retired.id, quantity: 1 },
      ],
    }).expect(409);
    expect(inactive.body).toMatchObject({
      code: 'ORDER_PRODUCT_INACTIVE',
      message: expect.stringContaining('Retired Thing'),
    });
    expect(await stockOf(plenty.id)).toBe(50);
    expect(await stockOf(scarce.id)).toBe(2);
    expect(await stockOf(retired.id)).toBe(5);
    const orders = await t.http().get('/api/v1/orders').set(admin()).query({ userId: alice.id }).expect(200);
    expect(
      orders.body.items.some((entry: { items: { productId: number }[] }) =>
        entry.items.some((item) => item.productId === plenty.id),
      ),
    ).toBe(false);
  });

  it('validates the body: details per field, nested as items.0.quantity', async () => {
    const item = await product('1.00', 5);
    const response = await order(alice.token, { items: [{ productId: item.id, quantity: 0 }] }).expect(400);
    expect(expectErrorShape(response.body, 400).details).toEqual([
      { field: 'items.0.quantity', message: expect.any(String) },
    ]);
    for (const body of [
      {},
      { items: [] },
      { items: [{ productId: 'x', quantity: 1 }] },
      { items: [{ productId: item.id, quantity: 1, price: 1 }] },
      { items: [{ productId: item.id, quantity: 1 }], extra: 1 },
    ]) {
      await order(alice.token, body).expect(400);
    }
    await t
      .http()
      .post('/api/v1/orders')
      .send({ items: [{ productId: item.id, quantity: 1 }] })
      .expect(401);
    expect(await stockOf(item.id)).toBe(5);
  });

  it('lets an admin order for another user; a customer only for itself', async () => {
    const item = await product('2.50', 10);
    const forBob = await t
      .http()
      .post('/api/v1/orders')
      .set(admin())
      .send({ userId: bob.id, items: [{ productId: item.id, quantity: 2 }] })
      .expect(201);
    expect(forBob.body).toMatchObject({ userId: bob.id, totalAmount: '5.00' });
    const missingUser = await t
      .http()
      .post('/api/v1/orders')
      .set(admin())
      .send({ userId: 999999, items: [{ productId: item.id, quantity: 1 }] })
      .expect(404);
    expect(missingUser.body).toMatchObject({ code: 'USER_NOT_FOUND', message: 'User 999999 not found' });
    expect(
      expectErrorShape(
        (await order(alice.token, { userId: bob.id, items: [{ productId: item.id, quantity: 1 }] }).expect(403)).body,
        403,
      ).code,
    ).toBe('AUTH_ROLE_REQUIRED');
    expect(
      (await order(alice.token, { userId: alice.id, items: [{ productId: item.id, quantity: 1 }] }).expect(201)).body
        .userId,
    ).toBe(alice.id);
    expect(await stockOf(item.id)).toBe(7);
  });

  it('moves status only along the allowed transitions', async () => {
    const item = await product('4.00', 20);
    const place = async () =>
      (await order(alice.token, { items: [{ productId: item.id, quantity: 1 }] }).expect(201)).body.id as number;
    const move = (id: number, status: string, token = t.adminToken) =>
      t.http().patch(`/api/v1/orders/${id}/status`).set(bearer(token)).send({ status });
    const id = await place();
    expectErrorShape((await move(id, 'shipped').expect(409)).body, 409);
    await move(id, 'delivered').expect(409);
    expect((await move(id, 'confirmed').expect(200)).body.status).toBe('confirmed');
    await move(id, 'pending').expect(409);
    await move(id, 'shipped').expect(200);
    await move(id, 'cancelled').expect(409);
    const delivered = await move(id, 'delivered').expect(200);
    expect(delivered.body).toMatchObject({ status: 'delivered', items: [{ productId: item.id, quantity: 1 }] });
    await move(id, 'cancelled').expect(409);
    await move(id, 'bogus').expect(400);
    await move(999999, 'confirmed').expect(404);
    // confirmed -> cancelled by an admin restores the stock.
    const second = await place();
    await move(second, 'confirmed').expect(200);
    expect(await stockOf(item.id)).toBe(18);
    await move(second, 'cancelled').expect(200);
    expect(await stockOf(item.id)).toBe(19);
  });

  it('lets a customer cancel only its own pending order; cancelling restores stock once', async () => {
    const item = await product('9.99', 10);
    const own = (await order(alice.token, { items: [{ productId: item.id, quantity: 4 }] }).expect(201)).body.id;
    expect(await stockOf(item.id)).toBe(6);
    const move = (id: number, status: string, token: string) =>
      t.http().patch(`/api/v1/orders/${id}/status`).set(bearer(token)).send({ status });
    // Someone else's order answers like a missing one.
    expectErrorShape((await move(own, 'cancelled', bob.token).expect(404)).body, 404);
    await move(own, 'confirmed', alice.token).expect(403);
    const cancelled = await Promise.all([
      move(own, 'cancelled', alice.token),
      move(own, 'cancelled', alice.token),
      move(own, 'cancelled', t.adminToken),
    ]);
    expect(cancelled.map((response) => response.status).sort()).toEqual([200, 409, 409]);
    expect(await stockOf(item.id)).toBe(10);
    const confirmed = (await order(alice.token, { items: [{ productId: item.id, quantity: 1 }] }).expect(201)).body.id;
    await move(confirmed, 'confirmed', t.adminToken).expect(200);
    await move(confirmed, 'cancelled', alice.token).expect(403);
    expect(await stockOf(item.id)).toBe(9);
  });

  it('shows customers only their own orders; admins all, with filters', async () => {
    const item = await product('1.00', 100);
    const carol = await t.customer('order_carol');
    const dave = await t.customer('order_dave');
    const mine = (await order(carol.token, { items: [{ productId: item.id, quantity: 1 }] }).expect(201)).body.id;
    const theirs = (await order(dave.token, { items: [{ productId: item.id, quantity: 1 }] }).expect(201)).body.id;
    const carolList = await t
      .http()
      .get('/api/v1/orders')
      .set(bearer(carol.token))
      .query({ userId: dave.id })
      .expect(200);
    expect(carolList.body.items.map((entry: { id: number }) => entry.id)).toEqual([mine]);
    expect(carolList.body.total).toBe(1);
    expectErrorShape((await t.http().get(`/api/v1/orders/${theirs}`).set(bearer(carol.token)).expect(404)).body, 404);
    expect((await t.http().get(`/api/v1/orders/${mine}`).set(bearer(carol.token)).expect(200)).body.items).toHaveLength(
      1,
    );
    await t.http().get('/api/v1/orders/999999').set(admin()).expect(404);
    // not a digit: no :id route matches (route-params.e2e.spec)
    await t.http().get('/api/v1/orders/abc').set(admin()).expect(404);
    await t.http().patch(`/api/v1/orders/${theirs}/status`).set(admin()).send({ status: 'confirmed' }).expect(200);
    const byUser = await t.http().get('/api/v1/orders').set(admin()).query({ userId: dave.id }).expect(200);
    expect(byUser.body.items.map((entry: { id: number }) => entry.id)).toEqual([theirs]);
    const confirmed = await t
      .http()
      .get('/api/v1/orders')
      .set(admin())
      .query({ status: 'confirmed', pageSize: 100 })
      .expect(200);
    expect(confirmed.body.items.every((entry: { status: string }) => entry.status === 'confirmed')).toBe(true);
    expect(confirmed.body.items.map((entry: { id: number }) => entry.id)).toContain(theirs);
    await t.http().get('/api/v1/orders').set(admin()).query({ status: 'lost' }).expect(400);
  });

  it("serves a user's orders newest first, paginated, to the owner or an admin", async () => {
    const item = await product('3.00', 100);
    const erin = await t.customer('order_erin');
    const ids: number[] = [];
    for (let index = 0; index < 5; index += 1)
      ids.push((await order(erin.token, { items: [{ productId: item.id, quantity: index + 1 }] }).expect(201)).body.id);
    const first = await t
      .http()
      .get(`/api/v1/users/${erin.id}/orders`)
      .query({ pageSize: 2 })
      .set(bearer(erin.token))
      .expect(200);
    expect(first.body).toMatchObject({
      total: 5,
      page: 1,
      pageSize: 2,
      totalPages: 3,
      hasNext: true,
      hasPrevious: false,
    });
    expect(first.body.items.map((entry: { id: number }) => entry.id)).toEqual([ids[4], ids[3]]);
    const last = await t
      .http()
      .get(`/api/v1/users/${erin.id}/orders`)
      .query({ pageSize: 2, page: 3 })
      .set(admin())
      .expect(200);
    expect(last.body.items.map((entry: { id: number }) => entry.id)).toEqual([ids[0]]);
    expect(last.body.items[0].items[0]).toMatchObject({ quantity: 1, totalPrice: '3.00' });
    expectErrorShape(
      (await t.http().get(`/api/v1/users/${erin.id}/orders`).set(bearer(alice.token)).expect(403)).body,
      403,
    );
    await t.http().get('/api/v1/users/999999/orders').set(admin()).expect(404);
    await t.http().get(`/api/v1/users/${erin.id}/orders`).expect(401);
  });

  it('ranks top spenders in SQL, cancelled orders excluded (and the route is not captured by /users/:id)', async () => {
    const item = await product('100.00', 100);
    const big = await t.customer('spender_big');
    const small = await t.customer('spender_small');
    await order(big.token, { items: [{ productId: item.id, quantity: 30 }] }).expect(201);
    await order(big.token, { items: [{ productId: item.id, quantity: 20 }] }).expect(201);
    await order(small.token, { items: [{ productId: item.id, quantity: 10 }] }).expect(201);
    const cancelled = (await order(small.token, { items: [{ productId: item.id, quantity: 40 }] }).expect(201)).body.id;
    await t
      .http()
      .patch(`/api/v1/orders/${cancelled}/status`)
      .set(bearer(small.token))
      .send({ status: 'cancelled' })
      .expect(200);
    const response = await t
      .http()
      .get('/api/v1/users/stats/top-spenders')
      .query({ limit: 2 })
      .set(admin())
      .expect(200);
    expect(response.body).toEqual([
      {
        userId: big.id,
        username: 'spender_big',
        email: 'spender_big@example.test',
        orderCount: 2,
        totalSpent: '5000.00',
      },
      {
        userId: small.id,
        username: 'spender_small',
        email: 'spender_small@example.test',
        orderCount: 1,
        totalSpent: '1000.00',
      },
    ]);
    expect(
      (await t.http().get('/api/v1/users/stats/top-spenders').set(admin()).expect(200)).body.length,
    ).toBeLessThanOrEqual(10);
    await t.http().get('/api/v1/users/stats/top-spenders').set(bearer(big.token)).expect(403);
    await t.http().get('/api/v1/users/stats/top-spenders').query({ limit: 0 }).set(admin()).expect(400);
    // GET /users/:id still works next to it.
    expect((await t.http().get(`/api/v1/users/${big.id}`).set(admin()).expect(200)).body.username).toBe('spender_big');
  });

  it('summarises orders for admins: counts by status, revenue without cancelled orders', async () => {
    const before = (await t.http().get('/api/v1/orders/stats/summary').set(admin()).expect(200)).body;
    const item = await product('12.34', 100);
    await order(alice.token, { items: [{ productId: item.id, quantity: 1 }] }).expect(201);
    const dropped = (await order(alice.token, { items: [{ productId: item.id, quantity: 5 }] }).expect(201)).body.id;
    await t.http().patch(`/api/v1/orders/${dropped}/status`).set(admin()).send({ status: 'cancelled' }).expect(200);
    const after = (await t.http().get('/api/v1/orders/stats/summary').set(admin()).expect(200)).body;
    expect(Object.keys(after.ordersByStatus).sort()).toEqual([
      'cancelled',
      'confirmed',
      'delivered',
      'pending',
      'shipped',
    ]);
    expect(after.totalOrders).toBe(before.totalOrders + 2);
    expect(after.ordersByStatus.pending).toBe(before.ordersByStatus.pending + 1);
    expect(after.ordersByStatus.cancelled).toBe(before.ordersByStatus.cancelled + 1);
    const cents = (value: string) => Number(value.replace('.', ''));
    expect(cents(after.totalRevenue) - cents(before.totalRevenue)).toBe(1234);
    expect(after.totalRevenue).toMatch(/^\d+\.\d\d$/);
    await t.http().get('/api/v1/orders/stats/summary').set(bearer(alice.token)).expect(403);
  });

  it('makes a retried POST with the same Idempotency-Key return the first order', async () => {
    const item = await product('8.00', 10);
    const body = { items: [{ productId: item.id, quantity: 2 }], shippingAddress: 'Retry Rd' };
    const first = await order(alice.token, body).set('Idempotency-Key', 'key-123').expect(201);
    const retry = await order(alice.token, {
      shippingAddress: 'Retry Rd',
      items: [{ quantity: 2, productId: item.id }],
    })
      .set('Idempotency-Key', 'key-123')
      .expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await stockOf(item.id)).toBe(8);
    const different = await order(alice.token, { ...body, items: [{ productId: item.id, quantity: 3 }] })
      .set('Idempotency-Key', 'key-123')
      .expect(409);
    expect(expectErrorShape(different.body, 409).code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Keys are per user.
    const bobs = await order(bob.token, body).set('Idempotency-Key', 'key-123').expect(201);
    expect(bobs.body.id).not.toBe(first.body.id);
    expect(await stockOf(item.id)).toBe(6);
    expect((await order(alice.token, body).set('Idempotency-Key', 'x'.repeat(256)).expect(400)).body.code).toBe(
      'IDEMPOTENCY_KEY_INVALID',
    );
    // A failed request keeps no key: after a restock the same key goes through.
    const short = await order(alice.token, { items: [{ productId: item.id, quantity: 7 }] })
      .set('Idempotency-Key', 'key-short')
      .expect(409);
    expect(short.body.code).toBe('ORDER_INSUFFICIENT_STOCK');
    await t.http().patch(`/api/v1/products/${item.id}/stock`).set(admin()).send({ delta: 1 }).expect(200);
    await order(alice.token, { items: [{ productId: item.id, quantity: 7 }] })
      .set('Idempotency-Key', 'key-short')
      .expect(201);
    expect(await stockOf(item.id)).toBe(0);
  });

  it('creates one order for concurrent duplicates, and forgets keys after 24 hours', async () => {
    const item = await product('1.00', 100);
    const body = { items: [{ productId: item.id, quantity: 1 }] };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => order(bob.token, body).set('Idempotency-Key', 'dup-key')),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(7);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(await stockOf(item.id)).toBe(99);
    // Backdate the key by 25 hours: it has expired, so the same key makes a new order.
    const old = new Date(Date.now() - 25 * 3600 * 1000).toISOString().replace('T', ' ').slice(0, 19);
    await t.dataSource.query(`UPDATE idempotency_keys SET createdAt = '${old}' WHERE idempotencyKey = 'dup-key'`);
    const fresh = await order(bob.token, body).set('Idempotency-Key', 'dup-key').expect(201);
    expect(fresh.body.id).not.toBe(responses[0].body.id);
    expect(await stockOf(item.id)).toBe(98);
  });

  it('never oversells: 30 simultaneous orders for a stock of 10', async () => {
    const item = await product('5.00', 10, 'Hot Item');
    const buyers = await Promise.all(Array.from({ length: 3 }, (_, index) => t.customer(`rush_${index}`)));
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        order(buyers[index % 3].token, { items: [{ productId: item.id, quantity: 1 }] }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 409)).toHaveLength(20);
    expect(responses.find((response) => response.status === 409)?.body).toMatchObject({
      code: 'ORDER_INSUFFICIENT_STOCK',
      message: expect.stringMatching(/^Insufficient stock for 'Hot Item'\. Available: 0, Requested: 1$/),
    });
    expect(await stockOf(item.id)).toBe(0);
    const sold = await t.dataSource.query(`SELECT SUM(quantity) AS n FROM order_items WHERE productId = ${item.id}`);
    expect(Number(sold[0].n)).toBe(10);
  });

  it('never oversells or deadlocks with two products ordered in opposite orders', async () => {
    const left = await product('1.00', 10);
    const right = await product('2.00', 10);
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, index) => {
        const lines = [
          { productId: left.id, quantity: 1 },
          { productId: right.id, quantity: 1 },
        ];
        return order(alice.token, { items: index % 2 ? lines : lines.reverse() });
      }),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(await stockOf(left.id)).toBe(0);
    expect(await stockOf(right.id)).toBe(0);
  });
});
