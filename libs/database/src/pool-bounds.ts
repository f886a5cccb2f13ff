import type { DataSource } from 'typeorm';

type Callback = (error: Error | null, connection?: { release(): void }) => void;
interface Mysql2Pool {
  getConnection(callback: Callback): void;
}

/** The code of the error a request gets when no pooled connection frees up in time (a 503). */
export const POOL_ACQUIRE_TIMEOUT = 'POOL_ACQUIRE_TIMEOUT';

/**
 * Bounds the wait for a pooled connection (mysql2 has a queue limit but no acquire timeout): a
 * caller still waiting after `timeoutMs` gets an error, and the connection, should it come later,
 * goes straight back to the pool. Without it, a database that stops answering holds every
 * request that needs a connection for as long as the outage lasts. No-op on SQLite.
 */
export function boundPoolAcquire(dataSource: DataSource, timeoutMs: number): void {
  const driver = dataSource.driver as unknown as {
    pool?: Mysql2Pool;
    poolCluster?: { _nodes?: Record<string, { pool: Mysql2Pool }> };
  };
  const pools = driver.pool ? [driver.pool] : Object.values(driver.poolCluster?._nodes ?? {}).map((node) => node.pool);
  for (const pool of pools) {
    const getConnection = pool.getConnection.bind(pool);
    pool.getConnection = (callback) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        callback(
          Object.assign(new Error(`No database connection free within ${timeoutMs} ms`), {
            code: POOL_ACQUIRE_TIMEOUT,
          }),
        );
      }, timeoutMs);
      getConnection((error, connection) => {
        if (settled) return connection?.release();
        settled = true;
        clearTimeout(timer);
        callback(error, connection);
      });
    };
  }
}
