import type { DataSource } from 'typeorm';

export interface PoolStats {
  engine: string;
  size: number;
  inUse: number;
  idle: number;
}

interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  config?: { connectionLimit?: number };
}

/**
 * Connection pool usage for readiness and metrics. mysql2 exposes no public counters, so this
 * reads its internal queues; SQLite has one connection that is never "in use" between queries.
 */
export function poolStats(dataSource: DataSource): PoolStats {
  const engine = String(dataSource.options.type);
  const driver = dataSource.driver as unknown as {
    pool?: Mysql2Pool;
    poolCluster?: { _nodes?: Record<string, { pool: Mysql2Pool }> };
  };
  const pools: Mysql2Pool[] = driver.pool
    ? [driver.pool]
    : Object.values(driver.poolCluster?._nodes ?? {}).map((node) => node.pool);
  if (pools.length === 0) return { engine, size: 1, inUse: 0, idle: dataSource.isInitialized ? 1 : 0 };
  let open = 0;
  let idle = 0;
  let size = 0;
  for (const pool of pools) {
    open += pool._allConnections?.length ?? 0;
    idle += pool._freeConnections?.length ?? 0;
    size += pool.config?.connectionLimit ?? 0;
  }
  return { engine, size, inUse: open - idle, idle };
}
