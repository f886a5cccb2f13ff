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
import { assertSameJson, send, startCeiling } from './lib/ceiling.js';
import { compare, measure, type BenchRequest } from './lib/load-runner.js';
import { ORDER_CONNECTIONS, engine, prepareOrderLoad, startCommerceStack } from './lib/order-load.js';

const buildDir = process.env.BENCH_BUILD_DIR ?? 'dist';
const productCount = Number(process.env.BENCH_PRODUCTS ?? 10_000);
/** Reads at 16 connections beside the ceiling; orders at 32 (the figures). */
const READ_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** How many products the ceiling serves (captured from the product); both sides cycle through them. */
const SAMPLED_IDS = Number(process.env.BENCH_SAMPLED_IDS ?? 1000);
/** Distinct minPrice filters of the uncached list: more than its LRU (1 000) holds, each recurring after > 1 s. */
const UNCACHED_VARIANTS = 5000;
/** BENCH_LOADS=orders (or reads) runs one part only, e.g. to profile it. */
const loads = process.env.BENCH_LOADS ?? 'reads,orders';

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
  const stack = await startCommerceStack(buildDir, productCount);
  try {
    const label = (text: string) => `${text} [${engine}]`;
    if (loads.includes('reads')) await reads(stack.base, stack.ids, label);
    if (!loads.includes('orders')) return;
    const orders = await prepareOrderLoad(stack);
    const loadStarted = performance.now();
    const result = await measure(
      label('POST /api/v1/orders (1-3 lines)'),
      { baseUrl: stack.base, requests: orders.requests },
      ORDER_CONNECTIONS,
    );
    if (!(await orders.check('orders', (performance.now() - loadStarted) / 1000, result.non2xx))) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

await main();
