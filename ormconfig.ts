import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, DEFAULT_DATABASE_URL } from '@app/database';
import { ENTITIES } from './apps/api/src/database/entities.js';
import { MIGRATIONS } from './migrations/index.js';

// The TypeORM CLI's DataSource (`npm run migration:run`). The CLI is an edge of its own, so it
// reads DATABASE_URL from the environment (or .env) directly.
if (existsSync('.env')) process.loadEnvFile('.env');

export default new DataSource(
  buildDataSourceOptions({
    url: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    poolSize: process.env.DATABASE_POOL_SIZE ? Number(process.env.DATABASE_POOL_SIZE) : undefined,
    entities: ENTITIES,
    migrations: MIGRATIONS,
  }),
);
