import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { processEnvironment } from './app-process.js';
import { appDatabaseUrl, replicaSetting, TEST_APP_SETTINGS, testAccounts, type TestAccounts } from './test-app.js';
import { loadValidator, validatedRequest, type ValidationOptions } from './validated-request.js';

export interface InProcessApp extends TestAccounts {
  /** The Nest application itself, for tests that read or drive a provider directly. */
  app: INestApplication;
  http: (options?: ValidationOptions) => ReturnType<typeof request>;
  dataSource: DataSource;
  database: TestDatabase;
  modelsDir: string;
  close(): Promise<void>;
}

/**
 * The app built in this Jest process from the compiled modules, configured exactly as main.ts does.
 * Only for tests that reach into the app's internals (a provider's method, its clock, its queue):
 * every other HTTP test runs against the shipped bundle through createTestApp. Each caller says
 * in its file why it needs the container.
 */
export async function createInProcessApp(env: Record<string, string> = {}): Promise<InProcessApp> {
  const database = await createTestDatabase();
  const modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
  const { __DATABASE_PROXY_PORT__: _proxy, ...overrides } = env;
  Object.assign(
    process.env,
    processEnvironment(appDatabaseUrl(database, env), modelsDir, {
      ...TEST_APP_SETTINGS,
      ...overrides,
      ...replicaSetting(env, database),
    }),
  );
  const { NestFactory } = await import('@nestjs/core');
  const { getDataSourceToken } = await import('@nestjs/typeorm');
  const { AppModule } = await import('../../apps/api/src/app.module.js');
  const { configureApp } = await import('../../apps/api/src/core/configure-app.js');
  const { createHttpAdapter } = await import('../../apps/api/src/core/http-adapter.js');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(), createHttpAdapter(), {
    logger: ['error'],
  });
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const validator = await loadValidator(app.getHttpServer());
  const http = (options?: ValidationOptions) => validatedRequest(app.getHttpServer(), validator, options);
  return {
    app,
    http,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    database,
    modelsDir,
    ...(await testAccounts(http)),
    close: async () => {
      await app.close();
      await database.drop();
      rmSync(modelsDir, { recursive: true, force: true });
    },
  };
}
