import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

interface Tag {
  id: number;
  name: string;
  slug: string;
}

describe('product tags', () => {
  let t: TestApp;
  let skuCounter = 0;
  const admin = () => bearer(t.adminToken);
  const tag = async (name: string, slug?: string): Promise<Tag> =>
    (
      await t
        .http()
        .post('/api/v1/tags')
        .set(admin())
        .send(slug ? { name, slug } : { name })
        .expect(201)
    ).body;
  const product = async (name: string, price = '10.00'): Promise<{ id: number; sku: string; slug: string }> =>
    (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name, price, sku: `TAG-P-${++skuCounter}`, stockQuantity: 1 })
        .expect(201)
    ).body;
  const setTags = (productId: number, tagIds: unknown) =>
    t.http().put(`/api/v1/products/${productId}/tags`).set(admin()).send({ tagIds });
  const listed = async (query: Record<string, unknown>) =>
    (
      await t
        .http()
        .get('/api/v1/products')
        .query({ pageSize: 100, ...query })
        .expect(200)
    ).body;
  const names = (body: { items: { name: string }[] }) => body.items.map((item) => item.name).sort();
  const links = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM product_tags'))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates tags (slug derived), lists them publicly, refuses duplicates and bad input', async () => {
    const sale = await tag('Summer Sale');
    expect(sale).toEqual({
      id: expect.any(Number),
      name: 'Summer Sale',
      slug: 'summer-sale',
      createdAt: expect.stringMatching(/Z$/),
    });
    await tag('Eco', 'green');
    expect((await t.http().get(`/api/v1/tags/${sale.id}`).expect(200)).body.slug).toBe('summer-sale');
    const page = (await t.http().get('/api/v1/tags').query({ pageSize: 1 }).expect(200)).body;
    expect(page).toMatchObject({
      items: [{ name: 'Eco' }],
      total: 2,
      page: 1,
      pageSize: 1,
      totalPages: 2,
      hasNext: true,
    });
    // The same name in another case, or the same slug: 409 on both engines.
    expectErrorShape(
      (await t.http().post('/api/v1/tags').set(admin()).send({ name: 'summer sale', slug: 'other' }).expect(409)).body,
      409,
    );
    await t.http().post('/api/v1/tags').set(admin()).send({ name: 'Another', slug: 'green' }).expect(409);
    await t.http().post('/api/v1/tags').set(admin()).send({ name: 'Summer-Sale!' }).expect(409);
    for (const body of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(101) },
      { name: 'Ok', slug: 'Not A Slug' },
      { name: '!!!' },
      { name: 'Ok', extra: 1 },
      { name: 5 },
    ]) {
      const response = await t.http().post('/api/v1/tags').set(admin()).send(body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expectErrorShape(response.body, 400);
    }
    const customer = await t.customer('tag_customer');
    await t.http().post('/api/v1/tags').set(bearer(customer.token)).send({ name: 'Nope' }).expect(403);
    await t.http().post('/api/v1/tags').send({ name: 'Nope' }).expect(401);
    await t.http().delete(`/api/v1/tags/${sale.id}`).set(bearer(customer.token)).expect(403);
    await t.http().get('/api/v1/tags/999999').expect(404);
    await t.http().get('/api/v1/tags/abc').expect(404); // not a digit: no :id route matches (route-params.e2e.spec)
    expect((await t.http().get('/api/v1/tags').query({ pageSize: 100 }).expect(200)).body.total).toBe(2);
  });

  it("sets a product's tags as a whole set, shown on every product response; unknown ids change nothing", async () => {
    const [a, b, c] = [await tag('Alpha'), await tag('Bravo'), await tag('Charlie')];
    const item = await product('Tagged Lamp');
    expect((await t.http().get(`/api/v1/products/${item.id}`).expect(200)).body.tags).toEqual([]);
    const set = (await setTags(item.id, [c.id, a.id, a.id]).expect(200)).body;
    expect(set.tags).toEqual([
      { id: a.id, name: 'Alpha', slug: 'alpha' },
      { id: c.id, name: 'Charlie', slug: 'charlie' },
    ]);
    for (const path of [
      `/api/v1/products/${item.id}`,
      `/api/v1/products/by-sku/${item.sku}`,
      `/api/v1/products/by-slug/${item.slug}`,
    ]) {
      expect((await t.http().get(path).expect(200)).body.tags.map((entry: Tag) => entry.slug)).toEqual([
        'alpha',
        'charlie',
      ]);
    }
    expect(
      (await t.http().patch(`/api/v1/products/${item.id}`).set(admin()).send({ description: 'lit' }).expect(200)).body
        .tags,
    ).toHaveLength(2);
    expect(
      (await t.http().patch(`/api/v1/products/${item.id}/stock`).set(admin()).send({ delta: 1 }).expect(200)).body.tags,
    ).toHaveLength(2);
    expect((await listed({ search: 'Tagged Lamp' })).items[0].tags).toHaveLength(2);
    // Replaced, not added to.
    expect((await setTags(item.id, [b.id]).expect(200)).body.tags.map((entry: Tag) => entry.name)).toEqual(['Bravo']);
    // An unknown tag (or product) is 404 and the set stays as it was.
    expectErrorShape((await setTags(item.id, [a.id, 999999]).expect(404)).body, 404);
    await setTags(999999, [a.id]).expect(404);
    expect(
      (await t.http().get(`/api/v1/products/${item.id}`).expect(200)).body.tags.map((entry: Tag) => entry.name),
    ).toEqual(['Bravo']);
    for (const bad of [
      undefined,
      null,
      'x',
      [0],
      [-1],
      ['1'],
      [1.5],
      Array.from({ length: 51 }, (_, index) => index + 1),
    ]) {
      expect([JSON.stringify(bad), (await setTags(item.id, bad)).status]).toEqual([JSON.stringify(bad), 400]);
    }
    const customer = await t.customer('tag_setter');
    await t.http().put(`/api/v1/products/${item.id}/tags`).set(bearer(customer.token)).send({ tagIds: [] }).expect(403);
    expect((await setTags(item.id, []).expect(200)).body.tags).toEqual([]);
  });

  it('filters GET /products by tag slugs (any match) with the other filters; tag changes show at once', async () => {
    const [red, blue] = [await tag('Red'), await tag('Blue')];
    const one = await product('Filter One', '5.00');
    const two = await product('Filter Two', '50.00');
    const both = await product('Filter Both', '15.00');
    await product('Filter None', '5.00');
    await setTags(one.id, [red.id]).expect(200);
    await setTags(two.id, [blue.id]).expect(200);
    await setTags(both.id, [red.id, blue.id]).expect(200);
    expect(names(await listed({ tag: 'red' }))).toEqual(['Filter Both', 'Filter One']);
    const any = await listed({ tag: 'red,blue' });
    expect(names(any)).toEqual(['Filter Both', 'Filter One', 'Filter Two']);
    expect(any.total).toBe(3); // a product with both tags counts once
    expect(names(await listed({ tag: ['red', 'blue'] }))).toEqual(['Filter Both', 'Filter One', 'Filter Two']);
    expect(names(await listed({ tag: 'red,blue', maxPrice: '20', search: 'Filter' }))).toEqual([
      'Filter Both',
      'Filter One',
    ]);
    expect((await listed({ tag: 'no-such-tag' })).total).toBe(0);
    for (const tagQuery of [
      '',
      'Red',
      'red,,blue',
      'a b',
      "x' OR 1=1 --",
      Array.from({ length: 21 }, (_, index) => `t${index}`).join(','),
    ]) {
      const response = await t.http().get('/api/v1/products').query({ tag: tagQuery });
      expect([tagQuery, response.status]).toEqual([tagQuery, 400]);
    }
    // Inside the list cache's second: a tag change still shows at once.
    expect(names(await listed({ tag: 'blue' }))).toEqual(['Filter Both', 'Filter Two']);
    await setTags(one.id, [red.id, blue.id]).expect(200);
    expect(names(await listed({ tag: 'blue' }))).toEqual(['Filter Both', 'Filter One', 'Filter Two']);
    await t.http().delete(`/api/v1/tags/${blue.id}`).set(admin()).expect(204);
    expect((await listed({ tag: 'blue' })).total).toBe(0);
    expect(
      (await listed({ tag: 'red' })).items.map((item: { tags: Tag[] }) => item.tags.map((entry) => entry.slug)),
    ).toEqual([['red'], ['red']]);
  });

  it('cascades: deleting a tag or a product removes its links, nothing else', async () => {
    const [keep, drop] = [await tag('Keep Me'), await tag('Drop Me')];
    const first = await product('Cascade First');
    const second = await product('Cascade Second');
    await setTags(first.id, [keep.id, drop.id]).expect(200);
    await setTags(second.id, [keep.id, drop.id]).expect(200);
    const before = await links();
    await t.http().delete(`/api/v1/tags/${drop.id}`).set(admin()).expect(204);
    await t.http().delete(`/api/v1/tags/${drop.id}`).set(admin()).expect(404);
    expect(await links()).toBe(before - 2);
    expect(
      (await t.http().get(`/api/v1/products/${first.id}`).expect(200)).body.tags.map((entry: Tag) => entry.name),
    ).toEqual(['Keep Me']);
    // Products are soft-deleted by the API; a hard delete (by ops) takes its links with it.
    await t.dataSource.query(`DELETE FROM products WHERE id = ${second.id}`);
    expect(await links()).toBe(before - 3);
    expect((await t.http().get(`/api/v1/tags/${keep.id}`).expect(200)).body.name).toBe('Keep Me');
  });

  it('concurrent sets of one product apply whole, one after the other: the result is exactly one of them', async () => {
    const pool: Tag[] = [];
    for (let index = 0; index < 13; index += 1) pool.push(await tag(`Race ${index}`));
    const target = await product('Race Target');
    const sets = Array.from({ length: 6 }, (_, index) => pool.slice(index * 2, index * 2 + 3).map((entry) => entry.id));
    const statuses = await Promise.all(
      sets.map((tagIds) => setTags(target.id, tagIds).then((response) => response.status)),
    );
    expect(statuses).toEqual(sets.map(() => 200));
    const final = ((await t.http().get(`/api/v1/products/${target.id}`).expect(200)).body.tags as Tag[])
      .map((entry) => entry.id)
      .sort((a, b) => a - b);
    expect(sets.map((set) => JSON.stringify(set))).toContain(JSON.stringify(final));
    expect(
      Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM product_tags WHERE productId = ${target.id}`))[0].n),
    ).toBe(3);
  });
});
