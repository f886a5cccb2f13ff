import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { ADMIN, TEST_JWT_SECRET } from './test-constants.js';
import { loadValidator, validatedRequest } from './validated-request.js';

export { ADMIN, TEST_JWT_SECRET };

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  dataSource: DataSource;
  database: TestDatabase;
  /** This app's MODELS_DIR (a fresh temporary folder). */
  modelsDir: string;
  adminToken: string;
  /** Registers a customer through the API and logs it in. */
  customer(name?: string): Promise<{ id: number; username: string; email: string; password: string; token: string }>;
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Builds the real app, configured exactly as main.ts does, on a fresh database migrated by the
 * real migrations. Environment overrides apply to this app (AppModule.register() reads them).
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // A test may route the app to its database through a local proxy port (to simulate outages).
  const proxyPort = env.__DATABASE_PROXY_PORT__;
  const databaseUrl = proxyPort ? Object.assign(new URL(database.url), { port: proxyPort }).toString() : database.url;
  const modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
  Object.assign(process.env, {
    MODELS_DIR: modelsDir,
    MODEL_SYNC_INTERVAL_MS: '0',
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATE_ON_BOOT: 'true',
    JWT_SECRET: TEST_JWT_SECRET,
    BCRYPT_ROUNDS: '4',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_USERNAME: ADMIN.username,
    RATE_LIMIT_MAX: '1000000',
    LOGIN_RATE_LIMIT_MAX: '1000000',
    RATE_LIMIT_USER_MAX: '1000000',
    TRUST_PROXY: '',
    LOG_LEVEL: 'error',
    DATABASE_REPLICA_URLS: '',
    ...env,
  });
  // A test may ask for the primary itself as a read replica (it has no other database to offer).
  if (process.env.DATABASE_REPLICA_URLS === '__SAME_AS_PRIMARY__') process.env.DATABASE_REPLICA_URLS = database.url;
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
  // Every answer a test receives through http() is checked against the live /docs-json.
  const validator = await loadValidator(app.getHttpServer());
  const http = () => validatedRequest(app.getHttpServer(), validator);

  const login = async (username: string, password: string) => {
    const response = await http().post('/api/v1/auth/token').send({ username, password }).expect(200);
    return response.body.access_token as string;
  };

  const adminToken = await login(ADMIN.username, ADMIN.password);
  return {
    app,
    http,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    database,
    modelsDir,
    adminToken,
    login,
    customer: async (name = `customer${++counter}`) => {
      const account = { username: name, email: `${name.toLowerCase()}@example.test`, password: 'Customer123' };
      const created = await http().post('/api/v1/auth/register').send(account).expect(201);
      return { ...account, id: created.body.id as number, token: await login(account.username, account.password) };
    },
    close: async () => {
      await app.close();
      await database.drop();
      rmSync(modelsDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Asserts the contract's error shape and returns the body. */
export function expectErrorShape(body: Record<string, unknown>, status: number): Record<string, any> {
  expect(body).toEqual(
    expect.objectContaining({
      statusCode: status,
      error: expect.any(String),
      code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/),
      message: expect.any(String),
      path: expect.stringMatching(/^\//),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestId: expect.any(String),
    }),
  );
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/passwordHash|\$2[aby]\$|at .+\.js:\d+|SELECT |INSERT |UPDATE /);
  return body;
}
