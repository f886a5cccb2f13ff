import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { ENTITIES } from '../../apps/api/src/database/entities.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { BackfillOrderEvents1767227100002 } from '../../migrations/1767227100002-BackfillOrderEvents.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';

const BACKFILL = MIGRATIONS.indexOf(BackfillOrderEvents1767227100002);

/**
 * The BackfillOrderEvents data migration on a database built up to the migration before it, with
 * orders in it: one event per order from its current status, none for an order that already has
 * one; down deletes exactly the backfilled rows; then the table's own down drops the table.
 */
describe('data migration: BackfillOrderEvents', () => {
  let database: TestDatabase;
  const open = async (migrations: typeof MIGRATIONS) =>
    new DataSource(buildDataSourceOptions({ url: database.url, entities: ENTITIES, migrations })).initialize();
  const count = async (dataSource: DataSource, sql: string) => Number((await dataSource.query(sql))[0].n);
  const applied = async (dataSource: DataSource) =>
    (await dataSource.query('SELECT name FROM migrations')).map((row: { name: string }) => row.name) as string[];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('backfills, reverts exactly its rows, and runs again', async () => {
    expect(BACKFILL).toBeGreaterThan(0);
    const before = await open(MIGRATIONS.slice(0, BACKFILL));
    await before.runMigrations();
    expect(await before.query('SELECT COUNT(*) AS n FROM order_events')).toBeDefined();
    await before.query(
      'INSERT INTO users (username, email, passwordHash, role) ' +
        "VALUES ('old_buyer', 'old@example.test', 'x', 'customer')",
    );
    const [{ id: userId }] = await before.query("SELECT id FROM users WHERE username = 'old_buyer'");
    const orders: [string, string, string][] = [
      ['ORD-20260101000000-000001', 'pending', '2026-01-01 10:00:00.125'],
      ['ORD-20260101000000-000002', 'shipped', '2026-01-02 11:30:00.500'],
      ['ORD-20260101000000-000003', 'cancelled', '2026-01-03 12:45:00.750'],
      ['ORD-20260101000000-000004', 'confirmed', '2026-01-04 09:00:00.000'],
    ];
    for (const [orderNumber, status, updatedAt] of orders) {
      await before.query(
        'INSERT INTO orders (orderNumber, status, totalAmount, userId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
        [orderNumber, status, '10.00', userId, '2026-01-01 00:00:00.000', updatedAt],
      );
    }
    // One order already has a trail (written by the application before the backfill ran): it is left alone.
    const [{ id: tracked }] = await before.query(
      "SELECT id FROM orders WHERE orderNumber = 'ORD-20260101000000-000004'",
    );
    await before.query(
      'INSERT INTO order_events (orderId, fromStatus, toStatus, userId, backfilled) ' +
        "VALUES (?, NULL, 'confirmed', ?, 0)",
      [tracked, userId],
    );
    await before.destroy();

    const after = await open(MIGRATIONS);
    await after.runMigrations();
    expect(await count(after, 'SELECT COUNT(*) AS n FROM order_events WHERE backfilled = 1')).toBe(3);
    expect(
      await count(
        after,
        'SELECT COUNT(*) AS n FROM order_events e JOIN orders o ON o.id = e.orderId ' +
          'WHERE e.backfilled = 1 AND e.fromStatus IS NULL AND e.userId IS NULL ' +
          'AND e.toStatus = o.status AND e.createdAt = o.updatedAt',
      ),
    ).toBe(3);
    expect(await count(after, `SELECT COUNT(*) AS n FROM order_events WHERE orderId = ${Number(tracked)}`)).toBe(1);
    // The application keeps writing after the backfill; reverting must not take these rows.
    const [{ id: backfilledOrder }] = await after.query(
      "SELECT id FROM orders WHERE orderNumber = 'ORD-20260101000000-000001'",
    );
    await after.query(
      'INSERT INTO order_events (orderId, fromStatus, toStatus, userId, backfilled) ' +
        "VALUES (?, 'pending', 'cancelled', ?, 0)",
      [backfilledOrder, userId],
    );

    while ((await applied(after)).includes(BackfillOrderEvents1767227100002.name)) await after.undoLastMigration();
    expect(await count(after, 'SELECT COUNT(*) AS n FROM order_events WHERE backfilled = 1')).toBe(0);
    expect(await count(after, 'SELECT COUNT(*) AS n FROM order_events')).toBe(2);
    expect(await count(after, 'SELECT COUNT(*) AS n FROM orders')).toBe(4);
    await after.undoLastMigration();
    expect(await after.createQueryRunner().hasTable('order_events')).toBe(false);
    expect(await count(after, 'SELECT COUNT(*) AS n FROM orders')).toBe(4);

    // Up again: the table comes back and the backfill covers every order.
    await after.runMigrations();
    expect(await count(after, 'SELECT COUNT(*) AS n FROM order_events WHERE backfilled = 1')).toBe(4);
    await after.destroy();
  });
});
