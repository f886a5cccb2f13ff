/**
 * HTTP predict of the shipped sensor-anomaly classifier beside its ceiling, in the same run
 * (bench/lib/load-runner.ts: wrk or autocannon, one client thread, alternating rounds, medians):
 *   - boot to ready (spawn → /health/ready 200, shipped models loaded)
 *   - 1 row at 16 and 64 connections, 64 rows at 16: product vs bench/ceiling-server.ts (bare
 *     Fastify + the same model's raw predict, same JSON, checked before measuring)
 *   - 64 rows: the product's HTTP rows/s vs raw predict rows/s at batch 64 (no HTTP), alternating
 *   - RSS and heap in use, sampled over a full 1-row predict load at 64 connections
 *   - dynamic batching off vs on (1 row, 64 connections)
 *
 *   npm run build && npx tsx bench/inference-http.ts
 *   BENCH_ROUNDS=1 BENCH_ROUND_SECONDS=2 RSS_SECONDS=10 BENCH_BATCHING=0 npx tsx bench/inference-http.ts   # smoke run
 *   RSS_SECONDS=300 (default) RSS_EVERY_SECONDS=10 (default) INFERENCE_BACKEND=wasm ...
 */
import type { BackendPreference } from '../libs/inference/src/index.js';
import { startBenchApp } from './lib/bench-app.js';
import { rssUnderLoad } from './lib/rss-under-load.js';
import { assertSameJson, predictFixture, startCeiling, type Ceiling } from './lib/ceiling.js';
import { compare, measure, median, round, settings, type BenchRequest, type Target } from './lib/load-runner.js';

const MODEL = 'sensor-anomaly';
const WIDTH = 3;
const row = (index: number) => [15 + (index % 15), 35 + (index % 20), 1000 + (index % 25)];
const UNCAPPED = { RATE_LIMIT_MAX: '100000000', LOGIN_RATE_LIMIT_MAX: '100000000', RATE_LIMIT_USER_MAX: '100000000' };
const backend = (process.env.INFERENCE_BACKEND ?? 'auto') as BackendPreference;

function predictRequest(rows: number, token: string): BenchRequest {
  const inputs = rows === 1 ? [row(0)] : Array.from({ length: rows }, (_, index) => row(index));
  return {
    method: 'POST',
    path: `/api/v1/inference/${MODEL}/predict`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ inputs }),
  };
}

/** The product's 64-row HTTP rows/s against raw predict at batch 64 in the ceiling process, alternating. */
async function rowsVersusRaw(product: Target, ceiling: Ceiling): Promise<void> {
  const http: number[] = [];
  const raw: number[] = [];
  const fast: number[] = [];
  for (let index = 0; index < settings.rounds; index += 1) {
    http.push((await round(product, 16, settings.roundSeconds)).requestsPerSecond * 64);
    raw.push(await ceiling.rawPredict(64, settings.roundSeconds, WIDTH));
    fast.push(await ceiling.rawPredict(64, settings.roundSeconds, WIDTH, 'fast'));
  }
  const ratio = median(http) / median(raw);
  console.log(
    `predict 64 rows, rows/s: product HTTP ${Math.round(median(http))} vs raw TF.js predict ` +
      `at batch 64 ${Math.round(median(raw))} (same run) = ${(ratio * 100).toFixed(1)} %`,
  );
  console.log(
    `  raw predict at batch 64 on the dense fast path (what the product runs): ` +
      `${Math.round(median(fast))} rows/s = ${(median(fast) / median(raw)).toFixed(1)}x TF.js`,
  );
}

async function main(): Promise<void> {
  const app = await startBenchApp(UNCAPPED);
  console.log(`boot to ready (spawn → /health/ready 200, shipped models loaded): ${Math.round(app.bootMs)} ms`);
  const one = predictRequest(1, app.token);
  const many = predictRequest(64, app.token);
  const ceiling = await startCeiling({
    products: [],
    list: null,
    predict: await predictFixture(app.baseUrl, one, MODEL, backend),
  });
  try {
    await assertSameJson('predict, 1 row', app.baseUrl, ceiling.baseUrl, one);
    await assertSameJson('predict, 64 rows', app.baseUrl, ceiling.baseUrl, many);
    const product = (request: BenchRequest): Target => ({ baseUrl: app.baseUrl, requests: [request] });
    const bare = (request: BenchRequest): Target => ({ baseUrl: ceiling.baseUrl, requests: [request] });
    await compare('predict, 1 row', product(one), bare(one), 16);
    await compare('predict, 1 row', product(one), bare(one), 64);
    const wide = await compare('predict, 64 rows', product(many), bare(many), 16);
    console.log(
      `  rows/s    product ${Math.round(wide.product.requestsPerSecond * 64)}, ` +
        `ceiling ${Math.round(wide.ceiling.requestsPerSecond * 64)}`,
    );
    await rowsVersusRaw(product(many), ceiling);
  } finally {
    await ceiling.stop();
  }
  await rssUnderLoad(app, { baseUrl: app.baseUrl, requests: [one] }, 'of 1-row predict');
  await app.stop();

  if (process.env.BENCH_BATCHING === '0') return;
  for (const [label, maxBatch] of [
    ['off', '1'],
    ['on', '256'],
  ] as const) {
    const batched = await startBenchApp({ ...UNCAPPED, INFERENCE_MAX_BATCH: maxBatch, INFERENCE_MAX_DELAY_US: '500' });
    await measure(
      `dynamic batching ${label}: predict, 1 row`,
      { baseUrl: batched.baseUrl, requests: [predictRequest(1, batched.token)] },
      64,
    );
    await batched.stop();
  }
}

await main();
