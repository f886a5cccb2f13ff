import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';

/** Distinct SQL texts whose prepared statements stay open (each is a few KB in SQLite). */
export const SQLITE_STATEMENT_CACHE_SIZE = 500;

interface Statement {
  reader: boolean;
}
interface SqliteQueryRunner {
  getStmt(query: string): Promise<Statement>;
  connect(): Promise<{ prepare(sql: string): Statement }>;
}
type Escape = (
  sql: string,
  parameters: Record<string, unknown>,
  nativeParameters: Record<string, unknown>,
) => [string, unknown[]];

/**
 * Makes SQLite reuse its prepared statements across requests. better-sqlite3 gives TypeORM one
 * shared query runner with a statement cache keyed by SQL text, but that cache almost never hits
 * on the hot reads (profiled: `prepare` 15 % of a GET /products/:id), for two reasons fixed here:
 *
 * - TypeORM's SQLite driver writes every number parameter into the SQL text (`WHERE id = 42`), so
 *   each id is a new text and a new `prepare`. A number is bound as a parameter instead, and an
 *   integer as a BigInt: better-sqlite3 binds a plain JS number as REAL, which would differ from the
 *   inlined literal (an INTEGER) in a TEXT column ('5.0') or an integer division; a BigInt binds
 *   as INTEGER, exactly what the literal was. Numbers that are not safe integers stay inlined.
 * - The runner's cache is first-in-first-out over 100 texts: every new text (an INSERT with its
 *   values inlined, a new list shape) pushes the oldest out however hot it is. It becomes an LRU.
 *
 * No-op on other drivers (mysql2 binds every value already).
 */
export function reuseSqliteStatements(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const driver = dataSource.driver as unknown as { escapeQueryWithParameters: Escape };
  const escape = driver.escapeQueryWithParameters.bind(driver);
  // The driver binds any value that is not a number, boolean, Date or function as it is: a BigInt too.
  driver.escapeQueryWithParameters = (sql, parameters, nativeParameters) =>
    escape(sql, parameters && integersAsBigInts(parameters), nativeParameters);
  const runner = dataSource.driver.createQueryRunner('master') as unknown as SqliteQueryRunner;
  const statements = new LRUCache<string, Statement>({ max: SQLITE_STATEMENT_CACHE_SIZE });
  runner.getStmt = async (query) => {
    let statement = statements.get(query);
    if (!statement) {
      statement = (await runner.connect()).prepare(query);
      statements.set(query, statement);
    }
    return statement;
  };
}

/** A value as better-sqlite3 must bind it to act as the inlined literal would: a safe integer as a BigInt (INTEGER). */
export function asSqliteInteger(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
}

/** The same parameters with every safe integer a BigInt (a copy, only when there is one). */
function integersAsBigInts(parameters: Record<string, unknown>): Record<string, unknown> {
  let bound: Record<string, unknown> | undefined;
  for (const key in parameters) {
    const value = parameters[key];
    const converted = asSqliteInteger(value);
    if (converted === value) continue;
    bound ??= { ...parameters };
    bound[key] = converted;
  }
  return bound ?? parameters;
}
