import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SelectQueryBuilder } from 'typeorm';
import { SqlTextCache } from '@app/database';
import { ProductsRepository, type ProductFilter } from '../../apps/api/src/products/products.repository.js';
import { TagsRepository } from '../../apps/api/src/tags/tags.repository.js';
import { QueryBuilderProductRead } from '../helpers/query-builder-product-read.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: it checks ProductsRepository's cached SQL text against
// freshly built text.

interface Reuse {
  shape: string;
  fresh: string;
  cached: string;
}

/**
 * SqlTextCache reuses a query's SQL text per shape key: a key that misses something the text
 * depends on would run another query's SQL with this one's parameters. Every reuse here is checked
 * against the text TypeORM builds afresh, for pairs of calls with the same shape and values as far
 * apart as they go (true/false, one tag or another, LIKE wildcards), on the engine under test.
 */
describe('SqlTextCache on the product reads', () => {
  let t: InProcessApp;
  let repository: ProductsRepository;
  let singleRead: QueryBuilderProductRead;
  const reuses: Reuse[] = [];
  // Kept to be called with `.call(this, ...)` and put back after the suite.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = SqlTextCache.prototype.reuse;
  let categories: number[];
  let products: { id: number; sku: string; slug: string }[];

  beforeAll(async () => {
    SqlTextCache.prototype.reuse = function <T extends object>(
      this: SqlTextCache,
      shape: string,
      query: SelectQueryBuilder<T>,
    ) {
      const fresh = query.getQuery();
      const reused = original.call(this, shape, query) as SelectQueryBuilder<T>;
      reuses.push({ shape, fresh, cached: reused.getQuery() });
      return reused;
    };
    t = await createInProcessApp();
    repository = t.app.get(ProductsRepository);
    singleRead = new QueryBuilderProductRead(t.dataSource, t.app.get(TagsRepository));
    const admin = bearer(t.adminToken);
    categories = [];
    for (const name of ['Cache C', 'Cache D'])
      categories.push((await t.http().post('/api/v1/categories').set(admin).send({ name }).expect(201)).body.id);
    const tags: number[] = [];
    for (const name of ['a', 'b'])
      tags.push((await t.http().post('/api/v1/tags').set(admin).send({ name }).expect(201)).body.id);
    products = [];
    const rows = [
      {
        name: 'Widget 50%_! one',
        price: '10.00',
        sku: 'CACHE-1',
        stockQuantity: 5,
        isActive: true,
        categoryId: categories[0],
      },
      {
        name: 'Widget two',
        price: '20.00',
        sku: 'CACHE-2',
        stockQuantity: 0,
        isActive: false,
        categoryId: categories[1],
      },
    ];
    for (const row of rows) {
      const created = (await t.http().post('/api/v1/products').set(admin).send(row).expect(201)).body;
      await t.http().put(`/api/v1/products/${created.id}/tags`).set(admin).send({ tagIds: tags }).expect(200);
      products.push(created);
    }
  });
  afterAll(async () => {
    SqlTextCache.prototype.reuse = original;
    await t.close();
  });

  /** Runs each call and returns the reuses it made; each call must have reached the cache. */
  async function reusesOf(calls: (() => Promise<unknown>)[]): Promise<Reuse[]> {
    const from = reuses.length;
    for (const call of calls) {
      const before = reuses.length;
      await call();
      expect(reuses.length).toBe(before + 1);
    }
    return reuses.slice(from);
  }

  function expectEveryHitFresh(made: Reuse[], hits: number): void {
    const seen = new Set<string>();
    let hit = 0;
    for (const reuse of made) {
      if (seen.has(reuse.shape)) hit += 1;
      seen.add(reuse.shape);
      expect({ shape: reuse.shape, sql: reuse.cached }).toEqual({ shape: reuse.shape, sql: reuse.fresh });
    }
    expect(hit).toBe(hits);
  }

  // The app's own single-product read is prebuilt SQL now (product-read-raw.e2e.spec); the query builder read it
  // replaced still checks the cache on a keyed read.
  it('reads one product by id, SKU and slug with the text built for it', async () => {
    const [one, two] = products;
    const made = await reusesOf([
      () => singleRead.findById(one.id),
      () => singleRead.findById(two.id),
      () => singleRead.findBySku(one.sku),
      () => singleRead.findBySku(two.sku),
      () => singleRead.findBySlug(one.slug),
      () => singleRead.findBySlug(two.slug),
    ]);
    expectEveryHitFresh(made, 3);
  });

  it('lists with each filter, sort and page: each same-shape call runs the text built for its own values', async () => {
    const [c, d] = categories;
    const page = (pageNumber = 1, pageSize = 20) => ({ page: pageNumber, pageSize });
    // Pairs of filters with the same shape; every filter matches a product (an empty count returns before the
    // list query).
    const pairs: [ProductFilter, ProductFilter][] = [
      [{ isActive: true }, { isActive: false }],
      [{ categoryId: c }, { categoryId: d }],
      [{ minPrice: 0 }, { minPrice: 1500 }],
      [{ maxPrice: 100_000 }, { maxPrice: 1500 }],
      [
        { inStock: true, search: 'widget' },
        { inStock: true, search: 'one' },
      ],
      [
        { inStock: false, search: 'widget' },
        { inStock: false, search: 'two', isActive: undefined },
      ],
      [{ search: 'widget' }, { search: '50%_!' }],
      [{ tag: ['a'] }, { tag: ['b'] }],
      [{ tag: ['a', 'b'] }, { tag: ['b', 'a'] }],
      [{ sort: '-price' }, { sort: '-price', search: '' }],
      [
        {
          isActive: true,
          categoryId: c,
          minPrice: 0,
          maxPrice: 100_000,
          inStock: true,
          search: 'widget',
          tag: ['a'],
          sort: 'stockQuantity',
        },
        {
          isActive: true,
          categoryId: c,
          minPrice: 500,
          maxPrice: 1500,
          inStock: true,
          search: '50%_!',
          tag: ['b'],
          sort: 'stockQuantity',
        },
      ],
      [
        { isActive: false, categoryId: d, inStock: false, search: 'two', tag: ['a', 'b'], sort: '-createdAt' },
        { isActive: false, categoryId: d, inStock: false, search: 'TWO', tag: ['b', 'a'], sort: '-createdAt' },
      ],
    ];
    const calls = pairs.flatMap(([first, second]) => [
      () => repository.list(first, page()),
      () => repository.list(second, page()),
    ]);
    // The page is part of the shape: another page is another text, and a repeat of it reuses that one.
    calls.push(
      () => repository.list({ isActive: true }, page(1, 1)),
      () => repository.list({ isActive: false }, page(1, 1)),
    );
    expectEveryHitFresh(await reusesOf(calls), pairs.length + 1);
  });
});
