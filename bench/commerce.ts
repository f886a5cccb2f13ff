/**
 * Commerce read and write load: boots the built API on a fresh database seeded with 10 000
 * products, then measures, through bench/lib/load-runner.ts (wrk or autocannon, alternating rounds):
 *   GET  /api/v1/products/:id        (1 000 spread ids)  beside the ceiling, 16 connections
 *   GET  /api/v1/products            (a page of 20)      beside the ceiling, 16 connections
 *   GET  /api/v1/products            (filters missing the list cache), 16 connections
 *   POST /api/v1/orders              (32 customers, 1-3 lines over 50 products), 32 connections
 * and checks that no product was oversold (initial stock = stock left + quantity sold, stock >= 0).
 *
 *   npm run build && npx tsx bench/commerce.ts
 *   # a fresh app_test_* database (TEST_MARIADB_URL, default 127.0.0.1:3306):
 *   BENCH_DB=mariadb npx tsx bench/commerce.ts
 *   BENCH_BUILD_DIR=.build/commerce BENCH_ROUNDS=3 BENCH_ROUND_SECONDS=5 BENCH_PRODUCTS=10000 BENCH_LOADS=orders ...
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { startApi } from '../test/helpers/app-process.js';
import { createTestDatabase } from '../test/setup/test-database.js';
import { ADMIN } from './lib/bench-app.js';
import { assertSameJson, send, startCeiling } from './lib/ceiling.js';
import { compare, measure, type BenchRequest } from './lib/load-runner.js';

const engine = process.env.BENCH_DB === 'mariadb' ? 'mariadb' : 'sqlite';
const buildDir = process.env.BENCH_BUILD_DIR ?? 'dist';
const productCount = Number(process.env.BENCH_PRODUCTS ?? 10_000);
/** Reads at 16 connections beside the ceiling; orders at 32 (the figures). */
const READ_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ORDER_CONNECTIONS = 32;
const HOT_PRODUCTS = 50;
/** Enough stock for ~25 s of orders at the target (1 500/s × ~3 units). */
const HOT_STOCK = 20_000;
/** How many products the ceiling serves (captured from the product); both sides cycle through them. */
const SAMPLED_IDS = Number(process.env.BENCH_SAMPLED_IDS ?? 1000);
/** Distinct minPrice filters of the uncached list: more than its LRU (1 000) holds, each recurring after > 1 s. */
const UNCACHED_VARIANTS = 5000;
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

/**
 * The reads beside the ceiling (the product's own answers captured for SAMPLED_IDS products and the
 * first page), and the uncached list (filters that miss the 1-second list cache) on its own.
 */
async function reads(base: string, ids: number[], label: (text: string) => string): Promise<void> {
  const sampled = Array.from(
    { length: Math.min(SAMPLED_IDS, ids.length) },
    (_, index) => ids[(index * 7919) % ids.length],
  );
  const byId: BenchRequest[] = sampled.map((id) => ({ method: 'GET', path: `/api/v1/products/${id}` }));
  const page: BenchRequest = { method: 'GET', path: '/api/v1/products?pageSize=20' };
  const products = [] as Array<{ id: number }>;
  for (const request of byId) products.push((await send(base, request)).body as { id: number });
  const ceiling = await startCeiling({ products, list: (await send(base, page)).body });
  try {
    await assertSameJson('GET /api/v1/products/:id', base, ceiling.baseUrl, byId[0]);
    await assertSameJson('GET /api/v1/products (page of 20)', base, ceiling.baseUrl, page);
    await compare(
      label('GET /api/v1/products/:id'),
      { baseUrl: base, requests: byId },
      { baseUrl: ceiling.baseUrl, requests: byId },
      READ_CONNECTIONS,
    );
    await compare(
      label('GET /api/v1/products (page of 20, cached)'),
      { baseUrl: base, requests: [page] },
      { baseUrl: ceiling.baseUrl, requests: [page] },
      READ_CONNECTIONS,
    );
  } finally {
    await ceiling.stop();
  }
  const uncached: BenchRequest[] = Array.from({ length: UNCACHED_VARIANTS }, (_, index) => ({
    method: 'GET',
    path: `/api/v1/products?pageSize=20&minPrice=${(index / 100).toFixed(2)}`,
  }));
  await measure(
    label('GET /api/v1/products (page of 20, filters that miss the list cache)'),
    { baseUrl: base, requests: uncached },
    READ_CONNECTIONS,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench_commerce_'));
  const database = await freshDatabase();
  try {
    const seedStarted = performance.now();
    const seed = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/seed.ts',
        '--products',
        String(productCount),
        '--customers',
        '0',
        '--orders',
        '0',
        '--migrate',
      ],
      {
        env: { ...process.env, DATABASE_URL: database.url },
        encoding: 'utf8',
      },
    );
    if (seed.status !== 0) throw new Error(`seed failed:\n${seed.stdout}\n${seed.stderr}`);
    console.log(
      `engine ${engine}; seeded ${productCount} products in ${Math.round(performance.now() - seedStarted)} ms`,
    );

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
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    try {
      const adminToken = (await post('/api/v1/auth/token', { username: ADMIN.username, password: ADMIN.password }))
        .access_token as string;
      const ids = (await database.query('SELECT id FROM products WHERE isActive = 1 ORDER BY id')).map((row) =>
        Number(row.id),
      );
      const label = (text: string) => `${text} [${engine}]`;

      if (loads.includes('reads')) await reads(base, ids, label);

      if (!loads.includes('orders')) return;
      // Orders: 32 customers over 50 hot products with a known stock.
      const hot = ids.slice(0, HOT_PRODUCTS);
      const stock = new Map(
        (await database.query(`SELECT id, stockQuantity FROM products WHERE id IN (${hot.join(',')})`)).map((row) => [
          Number(row.id),
          Number(row.stockQuantity),
        ]),
      );
      for (const id of hot) {
        const current = stock.get(id)!;
        const response = await fetch(`${base}/api/v1/products/${id}/stock`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
          body: JSON.stringify({ delta: HOT_STOCK - Number(current) }),
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
        await post('/api/v1/auth/register', account);
        tokens.push(
          (await post('/api/v1/auth/token', { username: account.username, password: account.password }))
            .access_token as string,
        );
      }
      // The same sequence as before, as a fixed list the load generator cycles through.
      const orderRequests: BenchRequest[] = Array.from({ length: tokens.length * 93 }, (_, n) => {
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
      const loadStarted = performance.now();
      const result = await measure(
        label('POST /api/v1/orders (1-3 lines)'),
        { baseUrl: base, requests: orderRequests },
        ORDER_CONNECTIONS,
      );
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      const rows = await database.query(
        `SELECT p.id AS id, p.stockQuantity AS stock, ` +
          `COALESCE((SELECT SUM(i.quantity) FROM order_items i WHERE i.productId = p.id), 0) AS sold ` +
          `FROM products p WHERE p.id IN (${hot.join(',')})`,
      );
      const oversold = rows.filter(
        (row) => Number(row.stock) < 0 || Number(row.stock) + Number(row.sold) !== HOT_STOCK,
      );
      const orders = Number((await database.query('SELECT COUNT(*) AS n FROM orders'))[0].n);
      const sold = rows.reduce((sum, row) => sum + Number(row.sold), 0);
      console.log(
        `orders created: ${orders} over ${loadSeconds.toFixed(1)} s of load incl. warm-up ` +
          `(${Math.round(orders / loadSeconds)} orders/s), units sold ${sold} of ${HOT_PRODUCTS * HOT_STOCK}, ` +
          `non-2xx ${result.non2xx} in the measured rounds (409 once stock runs out)`,
      );
      console.log(
        oversold.length === 0
          ? 'oversell check: OK (initial = left + sold for every product, no negative stock)'
          : `OVERSOLD: ${JSON.stringify(oversold)}`,
      );
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
