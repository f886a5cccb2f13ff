import type { DataSource } from 'typeorm';

/**
 * Runs `action` while recording the SQL text of every statement the DataSource sends (any query
 * runner goes through its logger, on both engines), for tests that count queries (N+1, savepoints).
 */
export async function recordStatements<T>(dataSource: DataSource, action: () => PromiseLike<T>): Promise<{ result: T; statements: string[] }> {
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
