import type { DataSource } from 'typeorm';

/**
 * Runs `action` while recording the SQL text of every statement the DataSource sends (any query
 * runner goes through its logger, on both engines), for tests that count queries (N+1, savepoints).
 */
export async function recordStatements<T>(
  dataSource: DataSource,
  action: () => PromiseLike<T>,
): Promise<{ result: T; statements: string[] }> {
  const logger = dataSource.logger;
  const original = logger.logQuery.bind(logger);
  const statements: string[] = [];
  logger.logQuery = (query, parameters, runner) => {
    statements.push(query);
    return original(query, parameters, runner);
  };
  try {
    return { result: await action(), statements };
  } finally {
    logger.logQuery = original;
  }
}

/**
 * Counts better-sqlite3 `prepare` calls by SQL text until stop(), for tests that check a text is
 * prepared once however many requests run it (nothing to count on other drivers).
 */
export function countSqlitePrepares(dataSource: DataSource): { counts: Map<string, number>; stop(): void } {
  const counts = new Map<string, number>();
  if (dataSource.options.type !== 'better-sqlite3') return { counts, stop: () => undefined };
  const database = (dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): unknown } })
    .databaseConnection;
  const prepare = database.prepare.bind(database);
  database.prepare = (sql: string) => {
    counts.set(sql, (counts.get(sql) ?? 0) + 1);
    return prepare(sql);
  };
  // The wrapper is an own property over the prototype's method: deleting it puts that back.
  return { counts, stop: () => void delete (database as { prepare?: unknown }).prepare };
}
