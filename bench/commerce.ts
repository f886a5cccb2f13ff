/**
 * Commerce read and write load: boots the built API on a fresh database seeded with 10 000
 * products, then measures (32 connections each):
 *   GET  /api/v1/products            (a page of 20)
 *   GET  /api/v1/products/:id        (random ids)
 *   POST /api/v1/orders              (32 customers, 1-3 lines over 50 products)
 * and checks that no product was oversold (initial stock = stock left + quantity sold, stock >= 0).
 *
 *   npm run build && npx tsx bench/commerce.ts
 *   BENCH_DB=mariadb npx tsx bench/commerce.ts        # a fresh app_test_* database (TEST_MARIADB_URL, default 127.0.0.1:3306)
 *   BENCH_BUILD_DIR=.build/commerce BENCH_SECONDS=10 BENCH_PRODUCTS=10000 BENCH_LOADS=orders ...
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { startApi } from '../test/helpers/app-process.js';
import { createTestDatabase } from '../test/setup/test-database.js';
import { ADMIN, load } from './lib/bench-app.js';

const engine = process.env.BENCH_DB === 'mariadb' ? 'mariadb' : 'sqlite';
const buildDir = process.env.BENCH_BUILD_DIR ?? 'dist';
const productCount = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const CONNECTIONS = 32;
const HOT_PRODUCTS = 50;
const HOT_STOCK = 2_000;
/** The read loads first run this long unmeasured, so the figures are of a warmed-up (JIT-compiled) server. */
const WARMUP = { connections: CONNECTIONS, duration: 3 };
/** BENCH_LOADS=orders (or reads) runs one part only, e.g. to profile it. */
const loads = process.env.BENCH_LOADS ?? 'reads,orders';

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

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

/** A fresh database (the tests' helper: its name says test) and a way to query it. */
async function freshDatabase(): Promise<{ url: string; query: Query; drop(): Promise<void> }> {
  const database = await createTestDatabase(engine);
  return { url: database.url, query: rawQuery(database.url), drop: () => database.drop() };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench_commerce_'));
  const database = await freshDatabase();
  try {
    const seedStarted = performance.now();
    const seed = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--products', String(productCount), '--customers', '0', '--orders', '0', '--migrate'], {
      env: { ...process.env, DATABASE_URL: database.url },
      encoding: 'utf8',
    });
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
        LOG_LEVEL: 'warn',
      },
      resolve(buildDir, 'apps/api/src/main.js'),
    );
    const base = api.baseUrl!;
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    try {
      const adminToken = (await post('/api/v1/auth/token', { username: ADMIN.username, password: ADMIN.password })).access_token as string;
      const ids = (await database.query('SELECT id FROM products WHERE isActive = 1 ORDER BY id')).map((row) => Number(row.id));
      const label = (text: string) => `${text} [${engine}]`;

      if (loads.includes('reads')) await load(label('GET /api/v1/products (page of 20)'), { url: `${base}/api/v1/products?pageSize=20`, connections: CONNECTIONS, warmup: WARMUP });
      let next = 0;
      if (loads.includes('reads')) await load(label('GET /api/v1/products/:id'), {
        url: base,
        connections: CONNECTIONS,
        warmup: WARMUP,
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/v1/products/${ids[(next++ * 7919) % ids.length]}` }) }],
      });

      if (!loads.includes('orders')) return;
      // Orders: 32 customers over 50 hot products with a known stock.
      const hot = ids.slice(0, HOT_PRODUCTS);
      const stock = new Map((await database.query(`SELECT id, stockQuantity FROM products WHERE id IN (${hot.join(',')})`)).map((row) => [Number(row.id), Number(row.stockQuantity)]));
      for (const id of hot) {
        const current = stock.get(id)!;
        const response = await fetch(`${base}/api/v1/products/${id}/stock`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ delta: HOT_STOCK - Number(current) }) });
        if (!response.ok) throw new Error(`stock of ${id}: ${response.status}`);
      }
      const tokens: string[] = [];
      for (let index = 0; index < CONNECTIONS; index += 1) {
        const account = { username: `bench_buyer_${index}`, email: `bench_buyer_${index}@bench.test`, password: 'Customer123' };
        await post('/api/v1/auth/register', account);
        tokens.push((await post('/api/v1/auth/token', { username: account.username, password: account.password })).access_token as string);
      }
      let seq = 0;
      const result = await load(label('POST /api/v1/orders (1-3 lines)'), {
        url: base,
        connections: CONNECTIONS,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const n = seq++;
              const lines = 1 + (n % 3);
              const items = Array.from({ length: lines }, (_, line) => ({ productId: hot[(n * 31 + line * 17) % hot.length], quantity: 1 + ((n + line) % 2) }));
              return { ...request, path: '/api/v1/orders', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % tokens.length]}` }, body: JSON.stringify({ items }) };
            },
          },
        ],
      });
      const rows = await database.query(
        `SELECT p.id AS id, p.stockQuantity AS stock, COALESCE((SELECT SUM(i.quantity) FROM order_items i WHERE i.productId = p.id), 0) AS sold FROM products p WHERE p.id IN (${hot.join(',')})`,
      );
      const oversold = rows.filter((row) => Number(row.stock) < 0 || Number(row.stock) + Number(row.sold) !== HOT_STOCK);
      const orders = Number((await database.query('SELECT COUNT(*) AS n FROM orders'))[0].n);
      const sold = rows.reduce((sum, row) => sum + Number(row.sold), 0);
      console.log(`orders created: ${orders} (${Math.round(orders / Number(process.env.BENCH_SECONDS ?? 10))}/s), units sold ${sold} of ${HOT_PRODUCTS * HOT_STOCK}, non-2xx ${result.non2xx} (409 once stock runs out)`);
      console.log(oversold.length === 0 ? 'oversell check: OK (initial = left + sold for every product, no negative stock)' : `OVERSOLD: ${JSON.stringify(oversold)}`);
      if (oversold.length) process.exitCode = 1;
    } finally {
      await api.kill('SIGTERM');
    }
  } finally {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
