/**
 * The commerce benches' shared set-up: a fresh database seeded with products, the built API on it,
 * and the order load (32 customers ordering 1-3 lines over 50 hot products of known stock) with
 * its oversell check. Used by bench/commerce.ts and bench/orders-vs-baseline.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { startApi } from '../../test/helpers/app-process.js';
import { createTestDatabase } from '../../test/setup/test-database.js';
import { ADMIN } from './bench-app.js';
import type { BenchRequest } from './load-runner.js';

export const engine = process.env.BENCH_DB === 'mariadb' ? 'mariadb' : 'sqlite';
export const ORDER_CONNECTIONS = 32;
const HOT_PRODUCTS = 50;
/** Enough stock for ~25 s of orders at the target (1 500/s × ~3 units). */
const HOT_STOCK = 20_000;

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

interface CommerceStack {
  base: string;
  adminToken: string;
  /** Active product ids, ascending. */
  ids: number[];
  query: Query;
  stop(): Promise<void>;
}

/** Plain SQL on the bench database through a connection of its own (opened per call). */
function rawQuery(url: string): Query {
  return async (sql) => {
    const dataSource = await new DataSource(buildDataSourceOptions({ url, entities: [], migrations: [] })).initialize();
    try {
      return await dataSource.query<Record<string, unknown>[]>(sql);
    } finally {
      await dataSource.destroy();
    }
  };
}

async function post(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

const token = async (base: string, username: string, password: string) =>
  (await post(base, '/api/v1/auth/token', { username, password })).access_token as string;

/** A fresh database (the tests' helper: its name says test) seeded with products, and `buildDir`'s API on it. */
export async function startCommerceStack(buildDir: string, productCount: number): Promise<CommerceStack> {
  const dir = mkdtempSync(join(tmpdir(), 'bench_commerce_'));
  const database = await createTestDatabase(engine);
  const query = rawQuery(database.url);
  const seedStarted = performance.now();
  const seed = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/seed.ts', '--products', String(productCount), '--customers', '0'].concat([
      '--orders',
      '0',
      '--migrate',
    ]),
    { env: { ...process.env, DATABASE_URL: database.url }, encoding: 'utf8' },
  );
  if (seed.status !== 0) throw new Error(`seed failed:\n${seed.stdout}\n${seed.stderr}`);
  console.log(`engine ${engine}; seeded ${productCount} products in ${Math.round(performance.now() - seedStarted)} ms`);
  const api = await startApi(
    {
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-1234',
      DATABASE_URL: database.url,
      DATABASE_MIGRATE_ON_BOOT: 'true',
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '20',
      MODELS_DIR: join(dir, 'models'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_USERNAME: ADMIN.username,
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_MAX: '100000000',
      LOGIN_RATE_LIMIT_MAX: '100000000',
      RATE_LIMIT_USER_MAX: '100000000',
      LOG_LEVEL: 'warn',
    },
    resolve(buildDir, 'apps/api/src/main.js'),
  );
  const base = api.baseUrl!;
  const ids = (await query('SELECT id FROM products WHERE isActive = 1 ORDER BY id')).map((row) => Number(row.id));
  return {
    base,
    adminToken: await token(base, ADMIN.username, ADMIN.password),
    ids,
    query,
    stop: async () => {
      await api.kill('SIGTERM');
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface OrderLoad {
  requests: BenchRequest[];
  /** Prints the orders made and the oversell check; false when a product was oversold. */
  check(label: string, loadSeconds: number, non2xx: number): Promise<boolean>;
}

/** Gives the hot products HOT_STOCK each, signs up the customers and writes their order requests. */
export async function prepareOrderLoad(stack: CommerceStack): Promise<OrderLoad> {
  const { base, query } = stack;
  const hot = stack.ids.slice(0, HOT_PRODUCTS);
  const stock = new Map(
    (await query(`SELECT id, stockQuantity FROM products WHERE id IN (${hot.join(',')})`)).map((row) => [
      Number(row.id),
      Number(row.stockQuantity),
    ]),
  );
  for (const id of hot) {
    const response = await fetch(`${base}/api/v1/products/${id}/stock`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ delta: HOT_STOCK - stock.get(id)! }),
    });
    if (!response.ok) throw new Error(`stock of ${id}: ${response.status}`);
  }
  const tokens: string[] = [];
  for (let index = 0; index < ORDER_CONNECTIONS; index += 1) {
    const account = {
      username: `bench_buyer_${index}`,
      email: `bench_buyer_${index}@bench.test`,
      password: 'Customer123',
    };
    await post(base, '/api/v1/auth/register', account);
    tokens.push(await token(base, account.username, account.password));
  }
  // A fixed list the load generator cycles through.
  const requests: BenchRequest[] = Array.from({ length: tokens.length * 93 }, (_, n) => {
    const lines = 1 + (n % 3);
    const items = Array.from({ length: lines }, (_, line) => ({
      productId: hot[(n * 31 + line * 17) % hot.length],
      quantity: 1 + ((n + line) % 2),
    }));
    return {
      method: 'POST',
      path: '/api/v1/orders',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % tokens.length]}` },
      body: JSON.stringify({ items }),
    };
  });
  return { requests, check: (label, seconds, non2xx) => checkStock(query, hot, label, seconds, non2xx) };
}

/** Initial stock = stock left + units sold, for every hot product, and no stock below zero. */
async function checkStock(query: Query, hot: number[], label: string, seconds: number, non2xx: number) {
  const rows = await query(
    `SELECT p.id AS id, p.stockQuantity AS stock, ` +
      `COALESCE((SELECT SUM(i.quantity) FROM order_items i WHERE i.productId = p.id), 0) AS sold ` +
      `FROM products p WHERE p.id IN (${hot.join(',')})`,
  );
  const oversold = rows.filter((row) => Number(row.stock) < 0 || Number(row.stock) + Number(row.sold) !== HOT_STOCK);
  const orders = Number((await query('SELECT COUNT(*) AS n FROM orders'))[0].n);
  const sold = rows.reduce((sum, row) => sum + Number(row.sold), 0);
  console.log(
    `${label}: orders created: ${orders} over ${seconds.toFixed(1)} s of load incl. warm-up ` +
      `(${Math.round(orders / seconds)} orders/s), units sold ${sold} of ${HOT_PRODUCTS * HOT_STOCK}, ` +
      `non-2xx ${non2xx} in the measured rounds (409 once stock runs out)`,
  );
  console.log(
    oversold.length === 0
      ? `${label}: oversell check OK (initial = left + sold for every product, no negative stock)`
      : `${label}: OVERSOLD: ${JSON.stringify(oversold)}`,
  );
  return oversold.length === 0;
}
