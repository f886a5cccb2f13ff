import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

type Owner = symbol;

/**
 * better-sqlite3 gives TypeORM one connection and one shared query runner, so two concurrent
 * transactions collide ("cannot start a transaction within a transaction") and a statement from
 * another request runs inside whichever transaction is open. SQLite has one writer anyway, so on
 * SQLite transactions take turns: `transaction()` holds a lock for the whole unit of work, and a
 * statement from outside the unit waits until it ends. Transactions TypeORM opens by itself (an
 * implicit `save`) take the lock too. Only UnitOfWork uses it, and only on SQLite.
 */
export class SqliteSerializer {
  private readonly context = new AsyncLocalStorage<Owner>();
  private owner: Owner | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly dataSource: DataSource) {
    this.guard(dataSource.driver.createQueryRunner('master'));
  }

  /** Runs `work` in one transaction, after (and before) every other one. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const mine = this.context.getStore();
    if (mine && mine === this.owner) return this.dataSource.transaction(work);
    const token: Owner = Symbol('transaction');
    await this.acquire(token);
    try {
      return await this.context.run(token, () => this.dataSource.transaction(work));
    } finally {
      this.release();
    }
  }

  private async acquire(token: Owner): Promise<void> {
    while (this.owner) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.owner = token;
  }

  private release(): void {
    this.owner = undefined;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Makes statements from outside the open unit of work wait for it; locks implicit transactions. */
  private guard(runner: QueryRunner): void {
    const query = runner.query.bind(runner);
    const start = runner.startTransaction.bind(runner);
    const commit = runner.commitTransaction.bind(runner);
    const rollback = runner.rollbackTransaction.bind(runner);
    let implicit: Owner | undefined;
    const outsider = () =>
      this.owner !== undefined && this.owner !== this.context.getStore() && this.owner !== implicit;
    runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
      while (outsider()) await new Promise<void>((resolve) => this.waiters.push(resolve));
      return query(...args);
    }) as QueryRunner['query'];
    runner.startTransaction = async (level) => {
      const inUnit = this.owner !== undefined && this.owner === this.context.getStore();
      if (!inUnit && !runner.isTransactionActive) {
        implicit = Symbol('implicit transaction');
        await this.acquire(implicit);
      }
      return start(level);
    };
    const finish = (end: () => Promise<void>) => async () => {
      try {
        await end();
      } finally {
        if (implicit && !runner.isTransactionActive) {
          implicit = undefined;
          this.release();
        }
      }
    };
    runner.commitTransaction = finish(commit);
    runner.rollbackTransaction = finish(rollback);
  }
}
