import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

describe('categories', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const createCategory = async (body: Record<string, unknown>) =>
    (await t.http().post('/api/v1/categories').set(admin()).send(body).expect(201)).body;
  const createProduct = async (body: Record<string, unknown>) =>
    (await t.http().post('/api/v1/products').set(admin()).send(body).expect(201)).body;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates with a derived slug; admins only; unique name and slug are 409', async () => {
    const created = await createCategory({ name: 'Home & Garden', description: 'Indoors and out' });
    expect(created).toEqual({
      id: expect.any(Number),
      name: 'Home & Garden',
      slug: 'home-garden',
      description: 'Indoors and out',
      parentId: null,
      createdAt: expect.stringMatching(/Z$/),
    });
    const customer = await t.customer();
    expectErrorShape(
      (await t.http().post('/api/v1/categories').set(bearer(customer.token)).send({ name: 'Nope' }).expect(403)).body,
      403,
    );
    await t.http().post('/api/v1/categories').send({ name: 'Nope' }).expect(401);
    expectErrorShape(
      (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'home & garden' }).expect(409)).body,
      409,
    );
    // The message names the derived slug that collides.
    expect(
      (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Home Garden' }).expect(409)).body,
    ).toMatchObject({
      code: 'CATEGORY_SLUG_TAKEN',
      message: expect.stringContaining('home-garden'),
    });
    const own = await createCategory({ name: 'Garden Tools', slug: 'tools-for-garden' });
    expect(own.slug).toBe('tools-for-garden');
    for (const body of [
      {},
      { name: '' },
      { name: 'x', slug: 'Bad Slug' },
      { name: 'x', parentId: 0 },
      { name: 'x', extra: 1 },
      { name: '!!!' },
    ]) {
      expectErrorShape((await t.http().post('/api/v1/categories').set(admin()).send(body).expect(400)).body, 400);
    }
    expectErrorShape(
      (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Orphan', parentId: 999999 }).expect(404))
        .body,
      404,
    );
  });

  it('reads publicly: list paginated, one, tree nested', async () => {
    const root = await createCategory({ name: 'Tree Root' });
    const child = await createCategory({ name: 'Tree Child', parentId: root.id });
    const grandchild = await createCategory({ name: 'Tree Grandchild', parentId: child.id });
    const page = await t.http().get('/api/v1/categories').query({ pageSize: 2 }).expect(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 2, hasPrevious: false });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.totalPages).toBe(Math.ceil(page.body.total / 2));
    expect((await t.http().get(`/api/v1/categories/${child.id}`).expect(200)).body).toMatchObject({
      id: child.id,
      parentId: root.id,
      slug: 'tree-child',
    });
    expectErrorShape((await t.http().get('/api/v1/categories/999999').expect(404)).body, 404);
    // not a digit: no :id route matches (route-params.e2e.spec)
    await t.http().get('/api/v1/categories/abc').expect(404);
    await t.http().get('/api/v1/categories').query({ pageSize: 101 }).expect(400);

    const tree = (await t.http().get('/api/v1/categories/tree').expect(200)).body;
    const node = tree.find((entry: { id: number }) => entry.id === root.id);
    expect(node.children).toHaveLength(1);
    expect(node.children[0]).toMatchObject({ id: child.id, children: [{ id: grandchild.id, children: [] }] });
    expect(tree.some((entry: { id: number }) => entry.id === child.id)).toBe(false);
  });

  it('refuses cycles with 400 and updates otherwise', async () => {
    const a = await createCategory({ name: 'Cycle A' });
    const b = await createCategory({ name: 'Cycle B', parentId: a.id });
    const c = await createCategory({ name: 'Cycle C', parentId: b.id });
    expect(
      expectErrorShape(
        (await t.http().patch(`/api/v1/categories/${a.id}`).set(admin()).send({ parentId: a.id }).expect(400)).body,
        400,
      ).code,
    ).toBe('CATEGORY_CYCLE');
    expect(
      (await t.http().patch(`/api/v1/categories/${a.id}`).set(admin()).send({ parentId: c.id }).expect(400)).body.code,
    ).toBe('CATEGORY_CYCLE');
    expect(
      (await t.http().patch(`/api/v1/categories/${a.id}`).set(admin()).send({ parentId: 999999 }).expect(404)).body
        .code,
    ).toBe('CATEGORY_NOT_FOUND');
    const renamed = await t
      .http()
      .patch(`/api/v1/categories/${c.id}`)
      .set(admin())
      .send({ name: 'Cycle C Renamed', parentId: null })
      .expect(200);
    expect(renamed.body).toMatchObject({ name: 'Cycle C Renamed', slug: 'cycle-c-renamed', parentId: null });
    await t.http().patch(`/api/v1/categories/${c.id}`).set(admin()).send({ name: 'Cycle A' }).expect(409);
    await t.http().patch('/api/v1/categories/999999').set(admin()).send({ name: 'Ghost' }).expect(404);
  });

  it('computes stats over active products in SQL, money as strings', async () => {
    const category = await createCategory({ name: 'Stats Cat' });
    const empty = await createCategory({ name: 'Stats Empty' });
    await createProduct({ name: 'S1', price: '10.10', sku: 'st-1', categoryId: category.id });
    await createProduct({ name: 'S2', price: 20.2, sku: 'st-2', categoryId: category.id });
    await createProduct({ name: 'S3', price: '0.01', sku: 'st-3', categoryId: category.id });
    const inactive = await createProduct({ name: 'S4', price: '999.99', sku: 'st-4', categoryId: category.id });
    await t.http().delete(`/api/v1/products/${inactive.id}`).set(admin()).expect(204);
    const stats = (await t.http().get('/api/v1/categories/stats').expect(200)).body;
    expect(stats.find((row: { categoryId: number }) => row.categoryId === category.id)).toEqual({
      categoryId: category.id,
      name: 'Stats Cat',
      productCount: 3,
      avgPrice: '10.10', // (10.10 + 20.20 + 0.01) / 3 = 10.1033… rounded to the cent
      minPrice: '0.01',
      maxPrice: '20.20',
    });
    expect(stats.find((row: { categoryId: number }) => row.categoryId === empty.id)).toEqual({
      categoryId: empty.id,
      name: 'Stats Empty',
      productCount: 0,
      avgPrice: null,
      minPrice: null,
      maxPrice: null,
    });
  });

  it('lists the active products of a category', async () => {
    const category = await createCategory({ name: 'Listing Cat' });
    const first = await createProduct({ name: 'L1', price: '5.00', sku: 'lc-1', categoryId: category.id });
    await createProduct({ name: 'L2', price: '3.00', sku: 'lc-2', categoryId: category.id });
    const gone = await createProduct({ name: 'L3', price: '4.00', sku: 'lc-3', categoryId: category.id });
    await t.http().delete(`/api/v1/products/${gone.id}`).set(admin()).expect(204);
    const page = await t.http().get(`/api/v1/categories/${category.id}/products`).query({ sort: 'price' }).expect(200);
    expect(page.body).toMatchObject({ total: 2, page: 1, totalPages: 1, hasNext: false });
    expect(page.body.items.map((product: { sku: string }) => product.sku)).toEqual(['LC-2', 'LC-1']);
    expect(page.body.items[1].id).toBe(first.id);
    await t.http().get('/api/v1/categories/999999/products').expect(404);
  });

  it('deletes a category: its products stay with categoryId null, its children become top-level', async () => {
    const parent = await createCategory({ name: 'Doomed' });
    const child = await createCategory({ name: 'Doomed Child', parentId: parent.id });
    const product = await createProduct({ name: 'Survivor', price: '1.00', sku: 'surv-1', categoryId: parent.id });
    const customer = await t.customer();
    await t.http().delete(`/api/v1/categories/${parent.id}`).set(bearer(customer.token)).expect(403);
    await t.http().delete(`/api/v1/categories/${parent.id}`).set(admin()).expect(204);
    await t.http().get(`/api/v1/categories/${parent.id}`).expect(404);
    expect((await t.http().get(`/api/v1/products/${product.id}`).expect(200)).body).toMatchObject({
      categoryId: null,
      category: null,
    });
    expect((await t.http().get(`/api/v1/categories/${child.id}`).expect(200)).body.parentId).toBeNull();
    await t.http().delete(`/api/v1/categories/${parent.id}`).set(admin()).expect(404);
  });
});
