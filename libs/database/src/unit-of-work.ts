import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { retrying } from '@app/common';
import { isRetryableTransactionError } from './db-errors.js';
import { SqliteSerializer } from './sqlite-serializer.js';

/** The handle a unit hands its work: every statement of the unit goes through it. */
export type Tx = EntityManager;

export interface UnitOptions {
  /**
   * False for work that does something outside the database which must not happen twice (a file
   * moved into place): such a unit runs once, and a deadlock reaches the caller.
   */
  retry?: boolean;
}

export interface UnitOfWorkOptions {
  /** Runs of one unit in all, the first included. */
  attempts?: number;
  /** The first back-off; each next one doubles, up to `maxDelayMs`, and is jittered (×1–2). */
  minDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (error: unknown, attempt: number) => void;
}

interface OpenUnit {
  tx: Tx;
  open: boolean;
  /** What runs once the outermost transaction has committed (shared with its savepoints). */
  afterCommit: (() => void)[];
}

/**
 * Every transaction of the apps. It owns what each one needs and no repository should repeat:
 *
 * - On SQLite units take turns (SqliteSerializer): one connection, one writer.
 * - On MySQL/MariaDB a deadlock or lock wait timeout rolls the whole transaction back, and the
 *   unit is run again from the start, a few times with jittered back-off. That is safe because
 *   the database undid everything the failed run wrote, and `work` runs from scratch on a new
 *   transaction: `work` must keep every effect inside the transaction (no HTTP calls, files or
 *   events from inside it; do them after `run` returns), or pass `{ retry: false }`.
 *
 * A `run` inside a running unit (same async call chain) joins it instead of opening a second
 * connection, and is never retried on its own: the outer unit is. `savepoint` opens a nested
 * transaction whose failure undoes only its own writes.
 */
export class UnitOfWork {
  private readonly serializer: SqliteSerializer | undefined;
  private readonly current = new AsyncLocalStorage<OpenUnit>();
  private readonly attempts: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: UnitOfWorkOptions = {},
  ) {
    this.serializer = dataSource.options.type === 'better-sqlite3' ? new SqliteSerializer(dataSource) : undefined;
    this.attempts = Math.max(1, options.attempts ?? 5);
  }

  run<T>(work: (tx: Tx) => Promise<T>, options: UnitOptions = {}): Promise<T> {
    const outer = this.current.getStore();
    if (outer?.open) return work(outer.tx);
    const once = async () => {
      const afterCommit: (() => void)[] = [];
      const result = await this.transaction((tx) => this.within(tx, work, afterCommit));
      for (const callback of afterCommit) callback();
      return result;
    };
    if (options.retry === false || this.attempts === 1) return once();
    return retrying(once, {
      retries: this.attempts - 1,
      minTimeout: this.options.minDelayMs ?? 5,
      maxTimeout: this.options.maxDelayMs ?? 200,
      randomize: true,
      shouldRetry: isRetryableTransactionError,
      onFailedAttempt: (error, attemptNumber, retriesLeft) => {
        if (retriesLeft > 0 && isRetryableTransactionError(error)) this.options.onRetry?.(error, attemptNumber);
      },
    });
  }

  /** A nested transaction (a SAVEPOINT) inside `tx`: a failure rolls back only what it wrote. */
  savepoint<T>(tx: Tx, work: (savepoint: Tx) => Promise<T>): Promise<T> {
    const afterCommit = this.current.getStore()?.afterCommit ?? [];
    return tx.transaction((savepoint) => this.within(savepoint, work, afterCommit));
  }

  /**
   * Runs `callback` once the unit this call belongs to has committed, or at once outside a unit;
   * never when the unit rolls back (a retried unit registers again). For what other requests must
   * not see before the commit, e.g. clearing a cache a concurrent read could refill with the old rows.
   */
  afterCommit(callback: () => void): void {
    const unit = this.current.getStore();
    if (unit?.open) unit.afterCommit.push(callback);
    else callback();
  }

  private transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serializer ? this.serializer.transaction(work) : this.dataSource.transaction(work);
  }

  /** Marks the unit open while `work` runs, so a callback it left behind cannot join it later. */
  private async within<T>(tx: Tx, work: (tx: Tx) => Promise<T>, afterCommit: (() => void)[]): Promise<T> {
    const unit: OpenUnit = { tx, open: true, afterCommit };
    try {
      return await this.current.run(unit, () => work(tx));
    } finally {
      unit.open = false;
    }
  }
}
