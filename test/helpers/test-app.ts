import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { ENTITIES } from '../../apps/api/src/database/entities.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { processEnvironment, startApi, type RunningProcess } from './app-process.js';
import { ADMIN, TEST_JWT_SECRET } from './test-constants.js';
import { validatedRequest, type ValidationOptions } from './validated-request.js';

export { ADMIN, TEST_JWT_SECRET };

type Agent = ReturnType<typeof request>;

export interface TestAccounts {
  adminToken: string;
  /** Registers a customer through the API and logs it in. */
  customer(name?: string): Promise<{ id: number; username: string; email: string; password: string; token: string }>;
  login(username: string, password: string): Promise<string>;
}

export interface TestApp extends TestAccounts {
  /** Where the app listens (http://127.0.0.1:port); WebSocket tests use it as ws://. */
  baseUrl: string;
  /** supertest against the app; every answer is checked against its live /docs-json, and a 5xx fails. */
  http: (options?: ValidationOptions) => Agent;
  /** The test's own connection to the app's database (the app's entities, already migrated by the app). */
  dataSource: DataSource;
  database: TestDatabase;
  /** This app's MODELS_DIR (a fresh temporary folder). */
  modelsDir: string;
  /** The running process: its log, and kill() for restart and crash tests. */
  process: RunningProcess;
  close(): Promise<void>;
}

/** The settings every test app gets on top of processEnvironment (limits out of the way, quiet logs). */
export const TEST_APP_SETTINGS: Record<string, string> = {
  MODEL_SYNC_INTERVAL_MS: '0',
  LOGIN_RATE_LIMIT_MAX: '1000000',
  RATE_LIMIT_USER_MAX: '1000000',
  TRUST_PROXY: '',
  LOG_LEVEL: 'error',
  DATABASE_REPLICA_URLS: '',
};

let counter = 0;

/** Logs the admin in and gives the test its account helpers over `http`. */
export async function testAccounts(http: () => Agent): Promise<TestAccounts> {
  const login = async (username: string, password: string) => {
    const response = await http().post('/api/v1/auth/token').send({ username, password }).expect(200);
    return response.body.access_token as string;
  };
  return {
    adminToken: await login(ADMIN.username, ADMIN.password),
    login,
    customer: async (name = `customer${++counter}`) => {
      const account = { username: name, email: `${name.toLowerCase()}@example.test`, password: 'Customer123' };
      const created = await http().post('/api/v1/auth/register').send(account).expect(201);
      return { ...account, id: created.body.id as number, token: await login(account.username, account.password) };
    },
  };
}

/** The database URL the app gets: a test may route it through a local proxy port (outage tests). */
export function appDatabaseUrl(database: TestDatabase, env: Record<string, string>): string {
  const proxyPort = env.__DATABASE_PROXY_PORT__;
  return proxyPort ? Object.assign(new URL(database.url), { port: proxyPort }).toString() : database.url;
}

/** Resolves the replica placeholder: a test may ask for the primary itself as a read replica. */
export function replicaSetting(env: Record<string, string>, database: TestDatabase): Record<string, string> {
  return env.DATABASE_REPLICA_URLS === '__SAME_AS_PRIMARY__' ? { DATABASE_REPLICA_URLS: database.url } : {};
}

/**
 * What ships, as it ships: the bundle `npm start` runs (dist/bundle/api.mjs), started as a process on
 * a fresh database that its own boot migrates with the real migrations. Environment overrides apply
 * to that process. Tests that must reach into the app's internals use createInProcessApp instead.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
  const { __DATABASE_PROXY_PORT__: _proxy, ...overrides } = env;
  const settings = { ...TEST_APP_SETTINGS, ...overrides, ...replicaSetting(env, database) };
  let running: RunningProcess | undefined;
  let dataSource: DataSource | undefined;
  try {
    running = await startApi(processEnvironment(appDatabaseUrl(database, env), modelsDir, settings));
    dataSource = await new DataSource(
      buildDataSourceOptions({ url: database.url, entities: ENTITIES, migrations: [] }),
    ).initialize();
  } catch (error) {
    await running?.kill();
    await database.drop();
    rmSync(modelsDir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = running.baseUrl as string;
  const http = (options?: ValidationOptions) => validatedRequest(baseUrl, undefined, options);
  const connection = dataSource;
  const process = running;
  return {
    baseUrl,
    http,
    dataSource: connection,
    database,
    modelsDir,
    process,
    ...(await testAccounts(http)),
    close: async () => {
      await process.kill('SIGTERM');
      if (connection.isInitialized) await connection.destroy();
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
