import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { centsToDecimalString } from '@app/common';
import { MAX_PRICE_CENTS, MAX_STOCK } from '../../apps/api/src/products/dto/product-fields.js';
import { toProductResponse } from '../../apps/api/src/products/dto/product-response.dto.js';
import type { Product } from '../../apps/api/src/products/product.entity.js';
import { ProductReadRepository } from '../../apps/api/src/products/product-read.repository.js';
import { TagsRepository } from '../../apps/api/src/tags/tags.repository.js';
import { QueryBuilderProductRead } from '../helpers/query-builder-product-read.js';
import { countSqlitePrepares, recordStatements } from '../helpers/statements.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';
import { testEngine } from '../setup/test-database.js';

// In-process (createInProcessApp), not the shipped bundle: it compares ProductReadRepository with the query-builder
// read it replaced, entity by entity.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

/**
 * Names whose order differs between a binary collation (SQLite: by code point, capitals first) and
 * a case- and accent-insensitive one (MariaDB's utf8mb4_unicode_ci: punctuation, digits, then
 * letters alphabetically). Each engine's expected order is written out.
 */
const TAG_NAMES = ['apple', 'Banana', 'cherry', 'Date', 'Zulu', '_under', '10 items', '9 lives', 'éclair'];
const TAG_ORDER = {
  sqlite: ['10 items', '9 lives', 'Banana', 'Date', 'Zulu', '_under', 'apple', 'cherry', 'éclair'],
  mariadb: ['_under', '10 items', '9 lives', 'apple', 'Banana', 'cherry', 'Date', 'éclair', 'Zulu'],
};

/**
 * GET /products/:id, by-sku and by-slug read through ProductReadRepository (one prebuilt
 * statement, values hydrated by the driver). Every product written here through the API reads the
 * same as through the query builder read it replaced (QueryBuilderProductRead), entity by entity
 * and over HTTP as admin and anonymous, on the engine under test (SQLite and MariaDB).
 */
describe('the single-product read as prebuilt SQL', () => {
  let t: InProcessApp;
  let fresh: ProductReadRepository;
  let old: QueryBuilderProductRead;
  let categories: number[];
  let tags: { id: number; name: string }[];
  let counter = 0;
  const admin = () => bearer(t.adminToken);

  beforeAll(async () => {
    t = await createInProcessApp();
    fresh = t.app.get(ProductReadRepository);
    old = new QueryBuilderProductRead(t.dataSource, t.app.get(TagsRepository));
    const parent = (await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Read Parent' }).expect(201))
      .body.id;
    const child = (
      await t
        .http()
        .post('/api/v1/categories')
        .set(admin())
        .send({ name: 'Read Ünïcode ✓', description: 'd'.repeat(5000), parentId: parent })
        .expect(201)
    ).body.id;
    categories = [parent, child];
    tags = [];
    for (const [index, name] of TAG_NAMES.entries())
      tags.push(
        (
          await t
            .http()
            .post('/api/v1/tags')
            .set(admin())
            .send({ name, slug: `read-tag-${index}` })
            .expect(201)
        ).body,
      );
  });
  afterAll(() => t?.close());

  const productBody = fc.record({
    name: fc.string({ unit: 'grapheme', maxLength: 20 }),
    description: fc.option(
      fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant('long ✓ '.repeat(700))),
      { nil: null },
    ),
    // The smallest and largest prices DECIMAL(10,2) and the API admit (0 itself is refused: 400).
    cents: fc.oneof(fc.constantFrom(1, 10, 100, MAX_PRICE_CENTS), fc.integer({ min: 1, max: MAX_PRICE_CENTS })),
    stockQuantity: fc.oneof(fc.constantFrom(0, MAX_STOCK), fc.integer({ min: 0, max: MAX_STOCK })),
    isActive: fc.boolean(),
    category: fc.constantFrom<'none' | 0 | 1>('none', 0, 1),
    tagIndexes: fc.subarray([...TAG_NAMES.keys()]),
  });

  /** The three reads of one product by each route's key, both ways. */
  async function readsOf(product: {
    id: number;
    sku: string;
    slug: string;
  }): Promise<[Product | null, Product | null][]> {
    return [
      [await fresh.findById(product.id), await old.findById(product.id)],
      [await fresh.findBySku(product.sku), await old.findBySku(product.sku)],
      [await fresh.findBySlug(product.slug), await old.findBySlug(product.slug)],
    ];
  }

  const routesOf = (product: { id: number; sku: string; slug: string }) => [
    `/api/v1/products/${product.id}`,
    `/api/v1/products/by-sku/${encodeURIComponent(product.sku.toLowerCase())}`,
    `/api/v1/products/by-slug/${encodeURIComponent(product.slug)}`,
  ];

  it('reads all products as the query builder did (entity, response) by id/SKU/slug, admin or anonymous', async () => {
    const property = fc.asyncProperty(productBody, async (input) => {
      const index = ++counter;
      const body = {
        // A counter keeps names, SKUs and slugs unique and every slug derivable from its name.
        name: `${input.name} ${index}`,
        description: input.description,
        price: centsToDecimalString(input.cents),
        sku: `read-${index}`,
        stockQuantity: input.stockQuantity,
        isActive: input.isActive,
        ...(input.category === 'none' ? {} : { categoryId: categories[input.category] }),
      };
      const created = (await t.http().post('/api/v1/products').set(admin()).send(body).expect(201)).body;
      if (input.tagIndexes.length > 0)
        await t
          .http()
          .put(`/api/v1/products/${created.id}/tags`)
          .set(admin())
          .send({ tagIds: input.tagIndexes.map((tag) => tags[tag].id) })
          .expect(200);
      for (const [read, expected] of await readsOf(created)) {
        expect(expected).not.toBeNull();
        expect(read).toStrictEqual(expected);
      }
      const [, reference] = (await readsOf(created))[0];
      for (const path of routesOf(created)) {
        expect((await t.http().get(path).set(admin()).expect(200)).body).toEqual(toProductResponse(reference!));
        if (input.isActive) expect((await t.http().get(path).expect(200)).body).toEqual(toProductResponse(reference!));
        else await t.http().get(path).expect(404);
      }
    });
    await fc.assert(property, { numRuns: RUNS });
    expect(await fresh.findById(999_999_999)).toBeNull();
    expect(await fresh.findBySku('NO-SUCH-SKU')).toBeNull();
    await t
      .http()
      .post('/api/v1/products')
      .set(admin())
      .send({ name: 'Free', price: '0', sku: 'READ-FREE' })
      .expect(400);
  });

  it("orders a product's tags by name in the engine's collation, as the lists do", async () => {
    const created = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'All Tags', price: '1.00', sku: 'READ-ALL' })
        .expect(201)
    ).body;
    await t
      .http()
      .put(`/api/v1/products/${created.id}/tags`)
      .set(admin())
      .send({ tagIds: tags.map((tag) => tag.id) })
      .expect(200);
    const names = (await fresh.findById(created.id))!.tags!.map((tag) => tag.name);
    expect(names).toEqual(TAG_ORDER[testEngine()]);
    const listed = (await t.http().get('/api/v1/products').query({ search: 'All Tags' }).expect(200)).body.items[0]
      .tags;
    expect(listed.map((tag: { name: string }) => tag.name)).toEqual(names);
  });

  it('reads the tags and category as they are now, right after each change', async () => {
    const created = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'Changing', price: '2.00', sku: 'READ-CHANGING' })
        .expect(201)
    ).body;
    const [first, second, third] = tags;
    const current = async () => (await t.http().get(`/api/v1/products/${created.id}`).expect(200)).body;
    const setTags = (tagIds: number[]) =>
      t.http().put(`/api/v1/products/${created.id}/tags`).set(admin()).send({ tagIds }).expect(200);
    expect((await current()).tags).toEqual([]);
    await setTags([first.id, second.id]);
    expect((await current()).tags.map((tag: { id: number }) => tag.id).sort()).toEqual([first.id, second.id].sort());
    await setTags([third.id]);
    expect((await current()).tags.map((tag: { id: number }) => tag.id)).toEqual([third.id]);
    await t.http().patch(`/api/v1/products/${created.id}`).set(admin()).send({ categoryId: categories[1] }).expect(200);
    expect((await current()).category.id).toBe(categories[1]);
    const doomed = (await t.http().post('/api/v1/tags').set(admin()).send({ name: 'Doomed' }).expect(201)).body;
    await setTags([doomed.id, third.id]);
    await t.http().delete(`/api/v1/tags/${doomed.id}`).set(admin()).expect(204);
    expect((await current()).tags.map((tag: { id: number }) => tag.id)).toEqual([third.id]);
  });

  it('sends one statement per read, its text the same for every key value', async () => {
    const products: { id: number; sku: string; slug: string }[] = [];
    for (let index = 0; index < 4; index++)
      products.push(
        (
          await t
            .http()
            .post('/api/v1/products')
            .set(admin())
            .send({ name: `One ${index}`, price: '3.00', sku: `READ-ONE-${index}` })
            .expect(201)
        ).body,
      );
    const prepared = countSqlitePrepares(t.dataSource);
    const { statements } = await recordStatements(t.dataSource, async () => {
      for (let round = 0; round < 2; round++) {
        // Each round reads from the database, not from the reads kept for a second (product-read-cache).
        fresh.forget();
        for (const product of products) for (const path of routesOf(product)) await t.http().get(path).expect(200);
      }
    });
    prepared.stop();
    // Anonymous reads: no user lookup, only the product's statement, one text per route.
    expect(statements).toHaveLength(products.length * 3 * 2);
    expect(new Set(statements).size).toBe(3);
    for (const statement of statements) expect(statement).not.toMatch(/READ-ONE|one-\d|= \d/);
    // SQLite: each text prepared at most once (here, or already by the reads above), never per key value.
    if (testEngine() === 'sqlite') expect([...prepared.counts.values()].every((count) => count === 1)).toBe(true);
  });
});
