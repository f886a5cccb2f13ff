import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

/**
 * Writers of different columns of the same row at once. Each update must write only what its
 * request changes: an edit that wrote back the whole row it read would put back stock an order
 * took meanwhile, re-activate a user an admin had just deactivated, or restore a role.
 */
describe('targeted writes under concurrency', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  let categoryId: number;

  beforeAll(async () => {
    t = await createTestApp();
    categoryId = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Race Category' }).expect(201))
      .body.id;
  });
  afterAll(() => t.close());

  const stockOf = async (id: number) =>
    (await t.http().get(`/api/v1/products/${id}`).set(admin()).expect(200)).body.stockQuantity as number;

  it('keeps every sale while the products are edited: final stock = initial - sold', async () => {
    const initial = 60;
    const products = await Promise.all(
      [1, 2, 3].map(
        async (index) =>
          (
            await t
              .http()
              .post('/api/v1/products')
              .set(admin())
              .send({
                name: `Racer ${index}`,
                price: '10.00',
                sku: `RACE-${index}`,
                stockQuantity: initial,
                categoryId,
              })
              .expect(201)
          ).body.id as number,
      ),
    );
    const customer = await t.customer('stock_racer');
    const work: Promise<{ status: number; body: any }>[] = [];
    const ordered: { productId: number; quantity: number }[][] = [];
    for (let index = 0; index < 30; index += 1) {
      const items = [
        { productId: products[index % 3], quantity: 1 + (index % 3) },
        { productId: products[(index + 1) % 3], quantity: 1 },
      ];
      ordered.push(items);
      work.push(t.http().post('/api/v1/orders').set(bearer(customer.token)).send({ items }));
      // Edits of other columns of the same rows, racing the orders (resending the unchanged category
      // and SKU makes each edit read more between its load and its write).
      work.push(
        t
          .http()
          .patch(`/api/v1/products/${products[index % 3]}`)
          .set(admin())
          .send({ name: `Racer ${(index % 3) + 1} v${index}`, price: `${10 + index}.50`, categoryId }),
      );
      work.push(
        t
          .http()
          .patch(`/api/v1/products/${products[(index + 2) % 3]}`)
          .set(admin())
          .send({ description: `edit ${index}`, sku: `RACE-${((index + 2) % 3) + 1}` }),
      );
    }
    const responses = await Promise.all(work);
    expect(
      responses
        .filter((response) => response.status !== 200 && response.status !== 201)
        .map((response) => [response.status, response.body?.message]),
    ).toEqual([]);
    const sold = new Map<number, number>(products.map((id) => [id, 0]));
    ordered.flat().forEach((line) => sold.set(line.productId, sold.get(line.productId)! + line.quantity));
    for (const id of products) expect(await stockOf(id)).toBe(initial - sold.get(id)!);
  });

  it('refuses stockQuantity in a product edit: stock moves only by delta and orders', async () => {
    const product = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'Fixed Stock', price: '1.00', sku: 'FIXED-1', stockQuantity: 5 })
        .expect(201)
    ).body;
    const response = await t
      .http()
      .patch(`/api/v1/products/${product.id}`)
      .set(admin())
      .send({ name: 'Fixed Stock 2', stockQuantity: 500 })
      .expect(400);
    expectErrorShape(response.body, 400);
    expect(await stockOf(product.id)).toBe(5);
    expect((await t.http().get(`/api/v1/products/${product.id}`).set(admin()).expect(200)).body.name).toBe(
      'Fixed Stock',
    );
  });

  it.each([
    ['DELETE /users/:id', (id: number) => t.http().delete(`/api/v1/users/${id}`).set(admin())],
    [
      'PATCH isActive=false',
      (id: number) => t.http().patch(`/api/v1/users/${id}`).set(admin()).send({ isActive: false }),
    ],
  ])("a deactivation (%s) racing the user's own edits stays: login refused afterwards", async (label, deactivate) => {
    // The edits resend the unchanged email (no currentPassword needed), which makes each read more.
    const user = await t.customer(`deact_${label.length}`);
    const edits = Array.from({ length: 20 }, (_, index) =>
      t
        .http()
        .patch(`/api/v1/users/${user.id}`)
        .set(bearer(user.token))
        .send({ bio: `bio ${index}`, fullName: `Name ${index}`, email: user.email }),
    );
    const [deactivated, ...edited] = await Promise.all([deactivate(user.id), ...edits]);
    expect([200, 204]).toContain(deactivated.status);
    // An edit either ran before the deactivation or found its token revoked; none is a 5xx.
    expect(edited.every((response) => response.status === 200 || response.status === 401)).toBe(true);
    await t.http().post('/api/v1/auth/token').send({ username: user.username, password: user.password }).expect(401);
    await t.http().get('/api/v1/auth/me').set(bearer(user.token)).expect(401);
    expect((await t.http().get(`/api/v1/users/${user.id}`).set(admin()).expect(200)).body.isActive).toBe(false);
  });

  it("a role change racing the user's own profile edits is kept (promotion and demotion)", async () => {
    const customer = await t.customer('role_up');
    const promote = t.http().patch(`/api/v1/users/${customer.id}`).set(admin()).send({ role: 'admin' });
    const upEdits = Array.from({ length: 20 }, (_, index) =>
      t
        .http()
        .patch(`/api/v1/users/${customer.id}`)
        .set(bearer(customer.token))
        .send({ bio: `up ${index}`, email: customer.email }),
    );
    const [promoted, ...upResults] = await Promise.all([promote, ...upEdits]);
    expect(promoted.status).toBe(200);
    expect(upResults.every((response) => response.status === 200)).toBe(true);
    expect((await t.http().get(`/api/v1/users/${customer.id}`).set(admin()).expect(200)).body.role).toBe('admin');

    const password = 'Demoted123';
    const created = (
      await t
        .http()
        .post('/api/v1/users')
        .set(admin())
        .send({ username: 'role_down', email: 'role_down@example.test', password, role: 'admin' })
        .expect(201)
    ).body;
    const token = await t.login('role_down', password);
    const demote = t.http().patch(`/api/v1/users/${created.id}`).set(admin()).send({ role: 'customer' });
    const downEdits = Array.from({ length: 20 }, (_, index) =>
      t
        .http()
        .patch(`/api/v1/users/${created.id}`)
        .set(bearer(token))
        .send({ fullName: `Down ${index}`, email: 'role_down@example.test' }),
    );
    const [demoted, ...downResults] = await Promise.all([demote, ...downEdits]);
    expect(demoted.status).toBe(200);
    expect(downResults.every((response) => response.status === 200)).toBe(true);
    expect((await t.http().get(`/api/v1/users/${created.id}`).set(admin()).expect(200)).body.role).toBe('customer');
    await t.http().get('/api/v1/users').set(bearer(token)).expect(403);
  });

  it('two re-parentings that would together form a cycle cannot both pass', async () => {
    const created = (name: string) =>
      t
        .http()
        .post('/api/v1/categories')
        .set(admin())
        .send({ name })
        .expect(201)
        .then((response) => response.body.id as number);
    for (let round = 0; round < 8; round += 1) {
      const [a, b] = await Promise.all([created(`Cycle A${round}`), created(`Cycle B${round}`)]);
      const moves = await Promise.all([
        t.http().patch(`/api/v1/categories/${a}`).set(admin()).send({ parentId: b }),
        t.http().patch(`/api/v1/categories/${b}`).set(admin()).send({ parentId: a }),
      ]);
      expect(moves.map((response) => response.status).sort()).toEqual([200, 400]);
      const parents = await Promise.all(
        [a, b].map(async (id) => (await t.http().get(`/api/v1/categories/${id}`).expect(200)).body.parentId),
      );
      expect(parents.filter((parent) => parent !== null)).toHaveLength(1);
    }
  });

  it('updatedAt never moves backwards and keeps sub-second precision across rapid updates of every kind', async () => {
    const product = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'Clocked', price: '1.00', sku: 'CLOCK-1', stockQuantity: 1000 })
        .expect(201)
    ).body;
    const category = (
      await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Clocked Category' }).expect(201)
    ).body;
    const user = await t.customer('clocked');
    const customerOrder = (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(user.token))
        .send({ items: [{ productId: product.id, quantity: 1 }] })
        .expect(201)
    ).body;
    const stamps: Record<string, string[]> = {
      product: [product.updatedAt],
      user: [],
      order: [customerOrder.updatedAt],
    };
    for (let index = 0; index < 12; index += 1) {
      stamps.product.push(
        (
          await t
            .http()
            .patch(`/api/v1/products/${product.id}`)
            .set(admin())
            .send({ name: `Clocked ${index}` })
            .expect(200)
        ).body.updatedAt,
      );
      stamps.product.push(
        (await t.http().patch(`/api/v1/products/${product.id}/stock`).set(admin()).send({ delta: 1 }).expect(200)).body
          .updatedAt,
      );
      stamps.user.push(
        (
          await t
            .http()
            .patch(`/api/v1/users/${user.id}`)
            .set(bearer(user.token))
            .send({ bio: `tick ${index}` })
            .expect(200)
        ).body.updatedAt,
      );
      await t
        .http()
        .patch(`/api/v1/categories/${category.id}`)
        .set(admin())
        .send({ description: `tick ${index}` })
        .expect(200);
    }
    stamps.order.push(
      (
        await t
          .http()
          .patch(`/api/v1/orders/${customerOrder.id}/status`)
          .set(admin())
          .send({ status: 'confirmed' })
          .expect(200)
      ).body.updatedAt,
    );
    stamps.order.push(
      (
        await t
          .http()
          .patch(`/api/v1/orders/${customerOrder.id}/status`)
          .set(admin())
          .send({ status: 'shipped' })
          .expect(200)
      ).body.updatedAt,
    );
    for (const [kind, values] of Object.entries(stamps)) {
      const times = values.map((value) => Date.parse(value));
      expect({ kind, sorted: times.every((time, index) => index === 0 || time >= times[index - 1]) }).toEqual({
        kind,
        sorted: true,
      });
    }
    // Sub-second: 24 product updates in a row all landing on a whole second would mean seconds only.
    expect(stamps.product.slice(1).some((value) => !value.endsWith('.000Z'))).toBe(true);
    // In the database itself (microseconds on MariaDB): no row's updatedAt is before its createdAt.
    for (const table of ['products', 'users', 'categories', 'orders']) {
      const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE updatedAt < createdAt`);
      expect({ table, backwards: Number(n) }).toEqual({ table, backwards: 0 });
    }
  });
});
