import type { EntityManager } from 'typeorm';

/**
 * `SELECT … FOR UPDATE` where the engine has row locks (MySQL/MariaDB). SQLite has none, and needs
 * none: UnitOfWork lets one unit of work write at a time there, so its reads are already
 * as good as locked.
 */
export function writeLockFor(manager: EntityManager): { mode: 'pessimistic_write' } | undefined {
  return manager.connection.options.type === 'better-sqlite3' ? undefined : { mode: 'pessimistic_write' };
}
