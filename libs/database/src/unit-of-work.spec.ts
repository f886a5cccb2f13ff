import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestDatabase, testEngine, type TestDatabase } from '../../../test/setup/test-database.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { UnitOfWork } from './unit-of-work.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a real database of the engine, with a table `t (id, n)` holding rows 1 and 2 at n = 0. */
async function openCounterTable(
  engine: 'sqlite' | 'mariadb',
): Promise<{ dataSource: DataSource; database: TestDatabase }> {
  const database = await createTestDatabase(engine);
  const dataSource = await new DataSource(
    buildDataSourceOptions({ url: database.url, entities: [], migrations: [] }),
  ).initialize();
  await dataSource.query(
    engine === 'mariadb'
      ? 'CREATE TABLE t (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB'
      : 'CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)',
  );
  await dataSource.query('INSERT INTO t (id, n) VALUES (1, 0), (2, 0)');
  return { dataSource, database };
}

const counts = async (dataSource: DataSource) =>
  (await dataSource.query<{ n: number | string }[]>('SELECT n FROM t ORDER BY id')).map((row) => Number(row.n));

describe('UnitOfWork on SQLite (a database file)', () => {
  let dataSource: DataSource;
  let database: TestDatabase;
  let unitOfWork: UnitOfWork;
  const retried: unknown[] = [];

  beforeAll(async () => {
    ({ dataSource, database } = await openCounterTable('sqlite'));
    unitOfWork = new UnitOfWork(dataSource, { onRetry: (error) => retried.push(error) });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('runs concurrent read-modify-write units one after the other: no SQLITE_BUSY, no lost update', async () => {
    const increment = () =>
      unitOfWork.run(async (tx) => {
        const [row] = await tx.query<{ n: number }[]>('SELECT n FROM t WHERE id = 1');
        await pause(2);
        await tx.query('UPDATE t SET n = ? WHERE id = 1', [row.n + 1]);
      });
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 20 }, increment),
      dataSource.query('UPDATE t SET n = n + 100 WHERE id = 2'),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(await counts(dataSource)).toEqual([20, 100]);
    expect(retried).toEqual([]);
  });

  it('joins a unit run inside another, and rolls both back together', async () => {
    const before = await counts(dataSource);
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.query('UPDATE t SET n = n + 1 WHERE id = 1');
        await unitOfWork.run((inner) => inner.query('UPDATE t SET n = n + 1 WHERE id = 2'));
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    expect(await counts(dataSource)).toEqual(before);
  });

  it('rolls a failed savepoint back alone and commits the rest of the unit', async () => {
    const [one, two] = await counts(dataSource);
    await unitOfWork.run(async (tx) => {
      await tx.query('UPDATE t SET n = n + 1 WHERE id = 1');
      await expect(
        unitOfWork.savepoint(tx, async (savepoint) => {
          await savepoint.query('UPDATE t SET n = n + 1 WHERE id = 2');
          throw new Error('undo the savepoint');
        }),
      ).rejects.toThrow('undo the savepoint');
    });
    expect(await counts(dataSource)).toEqual([one + 1, two]);
  });

  it('runs afterCommit callbacks once the outermost unit committed, never after a rollback', async () => {
    const seen: string[] = [];
    unitOfWork.afterCommit(() => seen.push('outside a unit: at once'));
    const visibleAtCallback: number[][] = [];
    await unitOfWork.run(async (tx) => {
      await tx.query('UPDATE t SET n = n + 1 WHERE id = 1');
      unitOfWork.afterCommit(() => seen.push('outer'));
      await unitOfWork.run(async () => unitOfWork.afterCommit(() => seen.push('joined')));
      await unitOfWork.savepoint(tx, async () => unitOfWork.afterCommit(() => seen.push('savepoint')));
      unitOfWork.afterCommit(() => void counts(dataSource).then((now) => visibleAtCallback.push(now)));
      expect(seen).toEqual(['outside a unit: at once']);
    });
    expect(seen).toEqual(['outside a unit: at once', 'outer', 'joined', 'savepoint']);
    const failed = unitOfWork.run(async (tx) => {
      await tx.query('UPDATE t SET n = n + 1 WHERE id = 1');
      unitOfWork.afterCommit(() => seen.push('rolled back'));
      throw new Error('no');
    });
    await expect(failed).rejects.toThrow('no');
    await pause(20);
    expect(seen).not.toContain('rolled back');
    // Another connection's read from inside the callback sees the committed write.
    expect(visibleAtCallback).toEqual([await counts(dataSource)]);
  });

  it('does not retry an error that is not a deadlock or lock timeout', async () => {
    let runs = 0;
    await expect(
      unitOfWork.run(async () => {
        runs += 1;
        throw new Error('not retryable');
      }),
    ).rejects.toThrow('not retryable');
    expect(runs).toBe(1);
  });
});

const onMariadb = testEngine() === 'mariadb' ? describe : describe.skip;

onMariadb('UnitOfWork on MariaDB', () => {
  let dataSource: DataSource;
  let database: TestDatabase;

  beforeAll(async () => {
    ({ dataSource, database } = await openCounterTable('mariadb'));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /**
   * Two units lock rows 1 and 2 in opposite orders, each waiting until the other holds its first
   * row: InnoDB must kill one as a deadlock. With `retry` the victim runs again and both commit.
   */
  async function crossLocking(unitOfWork: UnitOfWork, retry: boolean) {
    let locked = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const runs = { forward: 0, backward: 0 };
    const unit = (name: keyof typeof runs, first: number, second: number) =>
      unitOfWork.run(
        async (tx) => {
          runs[name] += 1;
          await tx.query('UPDATE t SET n = n + 1 WHERE id = ?', [first]);
          if (++locked === 2) bothLocked();
          await barrier;
          await tx.query('UPDATE t SET n = n + 1 WHERE id = ?', [second]);
        },
        { retry },
      );
    const outcomes = await Promise.allSettled([unit('forward', 1, 2), unit('backward', 2, 1)]);
    return { outcomes, runs };
  }

  it('retries the deadlock victim from the start: both units finally commit, each once', async () => {
    const retried: string[] = [];
    const unitOfWork = new UnitOfWork(dataSource, {
      onRetry: (error) => retried.push(String((error as { code?: string }).code)),
    });
    const before = await counts(dataSource);
    const { outcomes, runs } = await crossLocking(unitOfWork, true);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(retried).toEqual(['ER_LOCK_DEADLOCK']);
    expect(runs.forward + runs.backward).toBe(3);
    expect(await counts(dataSource)).toEqual(before.map((n) => n + 2));
  });

  it('hands the deadlock to the caller when the unit must not retry', async () => {
    const unitOfWork = new UnitOfWork(dataSource);
    const before = await counts(dataSource);
    const { outcomes, runs } = await crossLocking(unitOfWork, false);
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0].reason as { driverError?: { code?: string } }).driverError?.code).toBe('ER_LOCK_DEADLOCK');
    expect(runs).toEqual({ forward: 1, backward: 1 });
    expect(await counts(dataSource)).toEqual(before.map((n) => n + 1));
  });
});
