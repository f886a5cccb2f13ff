import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testEngine } from '../setup/test-database.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: it counts the prepares of the app's own
// better-sqlite3 connection.

interface Prepares {
  prepare(sql: string): unknown;
}

/**
 * SQLite prepares a statement once and reuses it across requests (reuseSqliteStatements): each
 * `prepare` on the better-sqlite3 Database is counted while N different products are read over
 * HTTP, and the answers are the products as written. Integers are now bound, not written into the
 * text: they must still behave as the INTEGER literals they were.
 */
(testEngine() === 'sqlite' ? describe : describe.skip)('SQLite statement reuse', () => {
  let t: InProcessApp;
  const prepared = new Map<string, number>();
  const created: (Record<string, unknown> & { id: number })[] = [];

  beforeAll(async () => {
    t = await createInProcessApp();
    const admin = bearer(t.adminToken);
    for (let index = 0; index < 12; index++) {
      const body = { name: `Reuse ${index}`, sku: `REUSE-${index}`, price: `${10 + index}.50`, stockQuantity: index };
      created.push((await t.http().post('/api/v1/products').set(admin).send(body).expect(201)).body);
    }
    const database = (t.dataSource.driver as unknown as { databaseConnection: Prepares }).databaseConnection;
    const prepare = database.prepare.bind(database);
    database.prepare = (sql: string) => {
      prepared.set(sql, (prepared.get(sql) ?? 0) + 1);
      return prepare(sql);
    };
  });

  afterAll(async () => t?.close());

  it('prepares the product read once across N requests for N different ids, with unchanged answers', async () => {
    for (let round = 0; round < 3; round++) {
      for (const product of created) {
        const { body } = await t.http().get(`/api/v1/products/${product.id}`).expect(200);
        expect(body).toEqual({ ...product, category: null });
      }
    }
    const productReads = [...prepared].filter(
      ([sql]) => sql.startsWith('SELECT') && sql.includes('FROM "products" "product"'),
    );
    expect(productReads).toHaveLength(1);
    expect(productReads[0][1]).toBe(1);
    expect(productReads[0][0]).not.toMatch(/"product"\."id" = \d/);
    // Nothing at all is prepared more than once across the 36 reads.
    expect([...prepared.values()].every((count) => count === 1)).toBe(true);
  });

  it('binds integers as INTEGER, as the inlined literals were (TEXT columns, integer division, typeof)', async () => {
    const row = await t.dataSource
      .createQueryBuilder()
      .select('typeof(:n)', 'type')
      .addSelect(':n / 2', 'half')
      .addSelect(`CAST(:n AS TEXT)`, 'text')
      .addSelect(':fraction', 'fraction')
      .from('products', 'product')
      .where('product.stockQuantity = :stock', { stock: 3 })
      .setParameters({ n: 5, fraction: 2.5 })
      .getRawOne<{ type: string; half: number; text: string; fraction: number }>();
    expect(row).toEqual({ type: 'integer', half: 2, text: '5', fraction: 2.5 });
    const third = await t.dataSource
      .createQueryBuilder()
      .select('product.id', 'id')
      .from('products', 'product')
      .where('product.stockQuantity = :stock', { stock: 3 })
      .getRawMany();
    expect(third).toEqual([{ id: created[3].id }]);
  });
});
