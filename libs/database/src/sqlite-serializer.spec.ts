import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { SqliteSerializer } from './sqlite-serializer.js';

/** Units of work that really wait mid-transaction (a timer), so they would interleave unserialized. */
describe('SqliteSerializer on SQLite', () => {
  let dataSource: DataSource;
  let runner: SqliteSerializer;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 15));

  beforeEach(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await dataSource.query('CREATE TABLE t (x INTEGER)');
    runner = new SqliteSerializer(dataSource);
  });
  afterEach(() => dataSource.destroy());

  it('without it, two transactions on the one connection collide', async () => {
    const unguarded = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await unguarded.query('CREATE TABLE t (x INTEGER)');
    const bare = (value: number) =>
      unguarded.transaction(async (manager) => {
        await manager.query('INSERT INTO t VALUES (?)', [value]);
        await pause();
      });
    const outcomes = await Promise.allSettled([bare(1), bare(2)]);
    await unguarded.destroy();
    expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true);
  });

  it('serializes implicit transactions (a plain save) against units of work', async () => {
    const outcomes = await Promise.allSettled([
      runner.transaction(async (manager) => {
        await manager.query('INSERT INTO t VALUES (6)');
        await pause();
      }),
      dataSource.transaction(async (manager) => manager.query('INSERT INTO t VALUES (7)')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
  });

  it('serializes units of work, and a rollback undoes only its own writes', async () => {
    const unit = (value: number, fail = false) =>
      runner.transaction(async (manager) => {
        await manager.query('INSERT INTO t VALUES (?)', [value]);
        await pause();
        await manager.query('INSERT INTO t VALUES (?)', [value]);
        if (fail) throw new Error('rolled back');
      });
    const outcomes = await Promise.allSettled([
      unit(1),
      unit(2, true),
      dataSource.query('INSERT INTO t VALUES (3)'),
      unit(4),
    ]);
    expect(
      outcomes.map((outcome) => (outcome.status === 'rejected' ? String((outcome.reason as Error).message) : 'ok')),
    ).toEqual(['ok', 'rolled back', 'ok', 'ok']);
    const rows = await dataSource.query<{ x: number }[]>('SELECT x FROM t ORDER BY x');
    expect(rows.map((row) => row.x)).toEqual([1, 1, 3, 4, 4]);
  });

  it('lets a unit of work nest another without deadlocking', async () => {
    await runner.transaction(async () =>
      runner.transaction(async (manager) => manager.query('INSERT INTO t VALUES (5)')),
    );
    expect(await dataSource.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 1 }]);
  });
});
