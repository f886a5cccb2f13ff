import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** The orders' audit trail: every status change as `{ from, to, by, at }`, written with the change. */
describe('order events', () => {
  let t: TestApp;
  let productId: number;
  const admin = () => bearer(t.adminToken);
  const adminId = async () => (await t.http().get('/api/v1/auth/me').set(admin()).expect(200)).body.id as number;
  const place = async (token: string) =>
    (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(token))
        .send({ items: [{ productId, quantity: 1 }] })
        .expect(201)
    ).body;
  const move = (token: string, id: number, status: string) =>
    t.http().patch(`/api/v1/orders/${id}/status`).set(bearer(token)).send({ status });

  beforeAll(async () => {
    t = await createTestApp();
    productId = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'Audited', price: '5.00', stockQuantity: 1000, sku: 'AUDIT-1' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('records creation and each change with who and when, oldest first, on the order and in lists', async () => {
    const customer = await t.customer('audit_buyer');
    const created = await place(customer.token);
    expect(created.events).toEqual([{ from: null, to: 'pending', by: customer.id, at: expect.stringMatching(/Z$/) }]);
    await move(t.adminToken, created.id, 'confirmed').expect(200);
    const shipped = await move(t.adminToken, created.id, 'shipped').expect(200);
    const adminUser = await adminId();
    const trail = [
      { from: null, to: 'pending', by: customer.id },
      { from: 'pending', to: 'confirmed', by: adminUser },
      { from: 'confirmed', to: 'shipped', by: adminUser },
    ];
    expect(shipped.body.events).toMatchObject(trail);
    const read = await t.http().get(`/api/v1/orders/${created.id}`).set(bearer(customer.token)).expect(200);
    expect(read.body.events).toMatchObject(trail);
    const times = read.body.events.map((event: { at: string }) => Date.parse(event.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const listed = await t.http().get('/api/v1/orders').set(bearer(customer.token)).expect(200);
    expect(listed.body.items.find((order: { id: number }) => order.id === created.id).events).toMatchObject(trail);
    const ofUser = await t.http().get(`/api/v1/users/${customer.id}/orders`).set(admin()).expect(200);
    expect(ofUser.body.items[0].events).toHaveLength(3);
  });

  it('a refused change records nothing (409, 403)', async () => {
    const customer = await t.customer('audit_refused');
    const created = await place(customer.token);
    await move(t.adminToken, created.id, 'delivered').expect(409);
    await move(customer.token, created.id, 'confirmed').expect(403);
    const read = await t.http().get(`/api/v1/orders/${created.id}`).set(admin()).expect(200);
    expect(read.body.events).toHaveLength(1);
  });

  it('concurrent cancels of one order: one succeeds and exactly one cancel event is kept', async () => {
    const customer = await t.customer('audit_racer');
    const created = await place(customer.token);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => move(index % 2 ? customer.token : t.adminToken, created.id, 'cancelled')),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409 || answer.status === 403)).toBe(
      true,
    );
    const read = await t.http().get(`/api/v1/orders/${created.id}`).set(admin()).expect(200);
    expect(read.body.events.map((event: { to: string }) => event.to)).toEqual(['pending', 'cancelled']);
    const rows = await t.dataSource.query('SELECT COUNT(*) AS n FROM order_events WHERE orderId = ?', [created.id]);
    expect(Number(rows[0].n)).toBe(2);
  });

  it('an order that fails (insufficient stock) leaves no event behind', async () => {
    const customer = await t.customer('audit_failed');
    const before = Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM order_events'))[0].n);
    await t
      .http()
      .post('/api/v1/orders')
      .set(bearer(customer.token))
      .send({ items: [{ productId, quantity: 5000 }] })
      .expect(409);
    expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM order_events'))[0].n)).toBe(before);
  });
});
