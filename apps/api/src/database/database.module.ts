import { Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { boundPoolAcquire, buildDataSourceOptions, UnitOfWork, unitOfWorkProvider } from '@app/database';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';

/**
 * The app's connection. Pending migrations are applied at boot only where configured (by default
 * for the embedded SQLite file); against MySQL ops run `npm run migration:run`.
 */
const POOL_BOUNDS = Symbol('POOL_BOUNDS');

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions({
          url: config.database.url,
          replicaUrls: config.database.replicaUrls,
          poolSize: config.database.poolSize,
          queueLimit: config.database.queueLimit,
          queryTimeoutMs: config.database.queryTimeoutMs,
          entities: ENTITIES,
          migrations: MIGRATIONS,
        }),
        migrationsRun: config.database.migrateOnBoot,
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
    { provide: POOL_BOUNDS, inject: [getDataSourceToken(), AppConfig], useFactory: (dataSource: DataSource, config: AppConfig) => boundPoolAcquire(dataSource, config.database.acquireTimeoutMs) },
  ],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
