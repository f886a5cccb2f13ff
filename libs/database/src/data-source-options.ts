import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { parseDatabaseUrl } from './database-url.js';

export interface DataSourceSettings {
  url: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  poolSize?: number;
  /** Read-only replicas (mysql/mariadb only); writes and transactions stay on the primary. */
  replicaUrls?: string[];
  logging?: boolean;
  /** mysql/mariadb: requests allowed to wait for a pooled connection (0 = unbounded); beyond it, an error at once. */
  queueLimit?: number;
  /** mysql/mariadb: a query that has not answered after this long fails and its connection is dropped. */
  queryTimeoutMs?: number;
}

/**
 * One place that turns a DATABASE_URL into TypeORM options, used by the app, the CLI's
 * ormconfig.ts and the tests. `synchronize` is never on: the schema comes from migrations.
 */
export function buildDataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  const target = parseDatabaseUrl(settings.url);
  const common = {
    entities: settings.entities,
    migrations: settings.migrations,
    synchronize: false,
    migrationsRun: false,
    logging: settings.logging ?? false,
  } as const;

  if (target.engine === 'sqlite') {
    if (target.file !== ':memory:') mkdirSync(dirname(target.file), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.file,
      // WAL lets readers run beside the single writer; the busy timeout queues writers instead of failing.
      enableWAL: target.file !== ':memory:',
      timeout: 10_000,
      // Reads come from memory: the file is memory-mapped (reads skip a system call and a copy per
      // page, and the mapped pages are the kernel's, reclaimable). With the map, SQLite's own page
      // cache holds mostly pages being written: at 64 MB a sustained predict load (a prediction
      // record per call) filled it and RSS crept 0.8 MB/s for 80 s; 8 MB is SQLite's default ×4.
      // Durability settings stay at SQLite's defaults.
      prepareDatabase: (db: { pragma(statement: string): unknown }) => {
        db.pragma('cache_size = -8192');
        db.pragma('mmap_size = 268435456');
      },
    };
  }

  const replicas = (settings.replicaUrls ?? []).map((url) => {
    const replica = parseDatabaseUrl(url);
    if (replica.engine === 'sqlite') throw new Error('DATABASE_REPLICA_URLS must be mysql/mariadb URLs');
    const { engine: _engine, ...credentials } = replica;
    return credentials;
  });
  const { engine, ...credentials } = target;
  const connection = {
    // Driver type follows the URL: `mysql` against MariaDB reports permanent schema drift.
    type: engine,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    poolSize: settings.poolSize ?? 10,
    extra: {
      connectionLimit: settings.poolSize ?? 10,
      waitForConnections: true,
      queueLimit: settings.queueLimit ?? 0,
      connectTimeout: 10_000,
      // mysql2 captures a stack trace on every query so that an error shows its caller (profiled:
      // 5 % of an order's CPU). No answer carries a stack, and a logged database error keeps the
      // driver's own frames and the query's code.
      trace: false,
    },
    ...(settings.queryTimeoutMs ? { enableQueryTimeout: true, maxQueryExecutionTime: settings.queryTimeoutMs } : {}),
  } as const;
  if (replicas.length === 0) return { ...common, ...connection, ...credentials };
  return { ...common, ...connection, replication: { master: credentials, slaves: replicas } };
}
