import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { classifyDbError, isRetryableTransactionError } from './db-errors.js';

/** The few calls of better-sqlite3 used here (the package ships no types; TypeORM's driver loads it the same way). */
interface Connection {
  pragma(statement: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { get(): unknown; run(...values: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => Connection;

/** Two connections on one WAL file: what two app processes sharing a SQLite database are. */
function twoConnections() {
  const folder = mkdtempSync(path.join(tmpdir(), 'db-errors-'));
  const file = path.join(folder, 'shared.sqlite');
  const first = new Database(file);
  first.pragma('journal_mode = WAL');
  first.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const second = new Database(file);
  second.pragma('busy_timeout = 50');
  return { first, second, close: () => (first.close(), second.close(), rmSync(folder, { recursive: true })) };
}

describe('classifyDbError and isRetryableTransactionError on SQLite shared by two processes', () => {
  let close = () => {};
  afterEach(() => close());

  it('a transaction that read, then writes after another connection wrote, is busy (snapshot): retryable, 503', () => {
    const connections = twoConnections();
    close = connections.close;
    const { first, second } = connections;
    second.exec('BEGIN');
    second.prepare('SELECT COUNT(*) FROM t').get();
    first.prepare("INSERT INTO t (v) VALUES ('other process')").run();
    let caught: unknown;
    try {
      second.prepare("INSERT INTO t (v) VALUES ('mine')").run();
    } catch (error) {
      caught = error;
    }
    second.exec('ROLLBACK');
    expect((caught as { code?: string }).code).toBe('SQLITE_BUSY_SNAPSHOT');
    expect(classifyDbError(caught)).toBe('unavailable');
    expect(isRetryableTransactionError(caught)).toBe(true);
  });

  it('a writer that waits past the busy timeout is busy too', () => {
    const connections = twoConnections();
    close = connections.close;
    const { first, second } = connections;
    first.exec('BEGIN IMMEDIATE');
    let caught: unknown;
    try {
      second.prepare("INSERT INTO t (v) VALUES ('mine')").run();
    } catch (error) {
      caught = error;
    }
    first.exec('ROLLBACK');
    expect((caught as { code?: string }).code).toBe('SQLITE_BUSY');
    expect(classifyDbError(caught)).toBe('unavailable');
    expect(isRetryableTransactionError(caught)).toBe(true);
  });

  it('a constraint is not busy', () => {
    const connections = twoConnections();
    close = connections.close;
    connections.first.prepare('INSERT INTO t (id, v) VALUES (1, ?)').run('a');
    let caught: unknown;
    try {
      connections.first.prepare('INSERT INTO t (id, v) VALUES (1, ?)').run('b');
    } catch (error) {
      caught = error;
    }
    expect(classifyDbError(caught)).toBe('unique');
    expect(isRetryableTransactionError(caught)).toBe(false);
  });
});
