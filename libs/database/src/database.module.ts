import { Global, Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { buildDataSourceOptions, type DataSourceSettings } from './data-source-options.js';
import { boundPoolAcquire } from './pool-bounds.js';
import { reuseSqliteStatements } from './sqlite-statement-reuse.js';
import { UnitOfWork } from './unit-of-work.js';
import { unitOfWorkProvider } from './unit-of-work.provider.js';

/**
 * The connection settings DatabaseModule reads. An abstract class so it can be the injection
 * token: the config library provides it from the validated environment (@app/config), so this
 * library never imports the config (the arrow runs config -> database).
 */
export abstract class DatabaseSettings {
  abstract readonly url: string;
  abstract readonly replicaUrls: string[];
  abstract readonly poolSize: number;
  abstract readonly queueLimit: number;
  abstract readonly acquireTimeoutMs: number;
  abstract readonly queryTimeoutMs: number;
  abstract readonly migrateOnBoot: boolean;
}

/** What the app that owns the schema hands in: its entity classes and its migrations. */
export type DatabaseSchema = Pick<DataSourceSettings, 'entities' | 'migrations'>;

const POOL_BOUNDS = Symbol('POOL_BOUNDS');
const SQLITE_STATEMENTS = Symbol('SQLITE_STATEMENTS');

/**
 * The app's connection. Pending migrations are applied at boot only where configured (by default
 * for the embedded SQLite file); against MySQL ops run `npm run migration:run`.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(schema: DatabaseSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [DatabaseSettings],
          useFactory: (settings: DatabaseSettings) => ({
            ...buildDataSourceOptions({
              url: settings.url,
              replicaUrls: settings.replicaUrls,
              poolSize: settings.poolSize,
              queueLimit: settings.queueLimit,
              queryTimeoutMs: settings.queryTimeoutMs,
              entities: schema.entities,
              migrations: schema.migrations,
            }),
            migrationsRun: settings.migrateOnBoot,
            retryAttempts: 5,
            retryDelay: 2000,
          }),
        }),
      ],
      // Every transaction goes through it: turns on SQLite's single connection, deadlock retry elsewhere.
      providers: [
        unitOfWorkProvider,
        // Every wait for the database is bounded: the pool's queue and each query (options above), and
        // the wait for a free connection (mysql2 has no acquire timeout of its own).
        {
          provide: POOL_BOUNDS,
          inject: [getDataSourceToken(), DatabaseSettings],
          useFactory: (dataSource: DataSource, settings: DatabaseSettings) =>
            boundPoolAcquire(dataSource, settings.acquireTimeoutMs),
        },
        // SQLite prepares each statement once, not once per id (no-op elsewhere).
        {
          provide: SQLITE_STATEMENTS,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource) => reuseSqliteStatements(dataSource),
        },
      ],
      exports: [UnitOfWork],
    };
  }
}
