import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

/**
 * An order copies each product's name and price. The API remembers the terms it last read and takes
 * the stock in one UPDATE that checks them; these tests change a product behind its back (another
 * replica, or an operator, writing the row directly) and check that every order still copies the
 * row as it is when the stock is taken, and that a refused first attempt leaves no stock taken.
 */
describe('orders copy the terms the row has when its stock is taken', () => {
  let t: TestApp;
  let customerToken: string;
  const admin = () => bearer(t.adminToken);

  beforeAll(async () => {
    t = await createTestApp();
    customerToken = (await t.customer('terms_buyer')).token;
  });
  afterAll(() => t.close());

  const newProduct = async (name: string, price: string, stockQuantity: number) =>
    (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name, price, sku: name.toUpperCase().replace(/\W/g, '-'), stockQuantity })
        .expect(201)
    ).body.id as number;
  const order = (items: { productId: number; quantity: number }[]) =>
    t.http().post('/api/v1/orders').set(bearer(customerToken)).send({ items });
  const stockOf = async (id: number) =>
    (await t.http().get(`/api/v1/products/${id}`).set(admin()).expect(200)).body.stockQuantity as number;
  /** Written beside the API, as another replica would: this process's memory is not told. */
  const writeBehind = (id: number, column: 'name' | 'price' | 'isActive', value: unknown) =>
    t.dataSource.query(`UPDATE products SET ${column} = ? WHERE id = ?`, [value, id]);

  it('copies a price and a name changed by another writer after the last order', async () => {
    const id = await newProduct('Terms Mug', '10.00', 50);
    const first = (await order([{ productId: id, quantity: 1 }]).expect(201)).body;
    expect(first.items[0]).toMatchObject({ productName: 'Terms Mug', unitPrice: '10.00' });

    await writeBehind(id, 'price', '12.25');
    const repriced = (await order([{ productId: id, quantity: 2 }]).expect(201)).body;
    expect(repriced.items[0]).toMatchObject({ productName: 'Terms Mug', unitPrice: '12.25', totalPrice: '24.50' });
    expect(repriced.totalAmount).toBe('24.50');

    // Only the case differs: MySQL's default collation compares these names as equal.
    await writeBehind(id, 'name', 'TERMS MUG');
    const renamed = (await order([{ productId: id, quantity: 1 }]).expect(201)).body;
    expect(renamed.items[0]).toMatchObject({ productName: 'TERMS MUG', unitPrice: '12.25' });

    const stored = (await t.http().get(`/api/v1/orders/${renamed.id}`).set(admin()).expect(200)).body;
    expect(stored.items[0]).toMatchObject({ productName: 'TERMS MUG', unitPrice: '12.25' });
    expect(await stockOf(id)).toBe(50 - 4);
  });

  it('refuses a product deactivated behind its back, exactly as one never ordered', async () => {
    const id = await newProduct('Terms Lamp', '30.00', 5);
    await order([{ productId: id, quantity: 1 }]).expect(201);
    await writeBehind(id, 'isActive', 0);
    const refused = await order([{ productId: id, quantity: 1 }]).expect(409);
    expect(expectErrorShape(refused.body, 409).code).toBe('ORDER_PRODUCT_INACTIVE');
    expect(await stockOf(id)).toBe(4);
  });

  it('takes nothing from the other lines when one line is short (the first attempt is rolled back)', async () => {
    const plenty = await newProduct('Terms Plenty', '2.00', 100);
    const scarce = await newProduct('Terms Scarce', '3.00', 3);
    // Both products' terms are now known, so the next order takes its stock in one UPDATE.
    await order([
      { productId: plenty, quantity: 1 },
      { productId: scarce, quantity: 1 },
    ]).expect(201);
    const short = await order([
      { productId: plenty, quantity: 5 },
      { productId: scarce, quantity: 3 },
    ]).expect(409);
    expect(expectErrorShape(short.body, 409)).toMatchObject({
      code: 'ORDER_INSUFFICIENT_STOCK',
      message: "Insufficient stock for 'Terms Scarce'. Available: 2, Requested: 3",
    });
    expect(await stockOf(plenty)).toBe(99);
    expect(await stockOf(scarce)).toBe(2);

    // Stale terms on one line and a real price on the other: both copied as the rows are now.
    await writeBehind(plenty, 'price', '2.50');
    const mixed = (
      await order([
        { productId: plenty, quantity: 2 },
        { productId: scarce, quantity: 2 },
      ]).expect(201)
    ).body;
    expect(mixed.totalAmount).toBe('11.00');
    expect(await stockOf(plenty)).toBe(97);
    expect(await stockOf(scarce)).toBe(0);
  });
});
