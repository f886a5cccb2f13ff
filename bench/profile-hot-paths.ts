/**
 * CPU profiles of the built API under load, one process per hot path (node --cpu-prof), each
 * summarised by bench/lib/cpu-profile-summary.ts with boot, login and warm-up skipped:
 *   products-by-id   GET /api/v1/products/:id (1 000 seeded products, SQLite)
 *   predict-1        POST /api/v1/inference/sensor-anomaly/predict, 1 row
 *   predict-64       the same, 64 rows
 *   products-list-uncached  GET /api/v1/products, page of 20, minPrice filters that miss the list cache
 * 16 connections, one wrk thread (or autocannon). Profiles and summaries land in PROFILE_DIR.
 * PROFILE_CEILING=1 also profiles bench/ceiling-server.ts on the same requests (PROFILE_DIR/ceiling-*),
 * to tell the floor every server pays (socket writes, HTTP parsing) from the product's own work.
 *
 *   npm run build && npx tsx bench/profile-hot-paths.ts
 *   PROFILE_SECONDS=20 PROFILE_DIR=/tmp/prof PROFILE_PATHS=predict-1,predict-64 npx tsx bench/profile-hot-paths.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchRequest } from './lib/load-runner.js';

const dir = resolve(process.env.PROFILE_DIR ?? '/tmp/api-profiles');
const seconds = Number(process.env.PROFILE_SECONDS ?? 20);
const paths = (process.env.PROFILE_PATHS ?? 'products-by-id,predict-1,predict-64').split(',');
mkdirSync(dir, { recursive: true });
// Read by test/helpers/app-process.ts when it is first imported: every API started below is profiled.
process.env.API_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${dir}`;
process.env.CEILING_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${dir}`;
// The unbundled modules (the same code as the shipped bundle): frames keep their package and module
// paths, which the summary groups by. BENCH_API_ENTRY=dist/bundle/api.mjs profiles the bundle itself.
process.env.BENCH_API_ENTRY ??= 'dist/apps/api/src/main.js';
const { startBenchApp } = await import('./lib/bench-app.js');
const { round } = await import('./lib/load-runner.js');
const { predictFixture, send, startCeiling } = await import('./lib/ceiling.js');
const withCeiling = process.env.PROFILE_CEILING === '1';

/** Loads `target` (3 s warm-up, then `seconds`), stops the server, and writes the summary of its profile as `name`. */
async function profileRun(
  name: string,
  target: { baseUrl: string; requests: BenchRequest[] },
  spawned: number,
  stop: () => Promise<void>,
): Promise<void> {
  await round(target, 16, 3); // warm-up (JIT), skipped in the summary
  const skipMs = Math.round(performance.now() - spawned);
  const result = await round(target, 16, seconds);
  await stop(); // SIGTERM: graceful shutdown, then exit writes the profile
  const written = readdirSync(dir).filter((file) => file.startsWith('CPU.') && file.endsWith('.cpuprofile'));
  // CPU.<date>.<time>.<pid>.<thread>.<seq>: the main thread is 0 (tsx's loader thread writes one too).
  const main = written.filter((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  if (main.length !== 1)
    throw new Error(`expected one new main-thread profile in ${dir}, found ${written.join(', ') || 'none'}`);
  const profile = join(dir, `${name}.cpuprofile`);
  renameSync(join(dir, main[0]), profile);
  for (const other of written.filter((file) => file !== main[0])) rmSync(join(dir, other));
  const summary = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/lib/cpu-profile-summary.ts', profile, '--skip-ms', String(skipMs), '--top', '30'],
    { encoding: 'utf8' },
  );
  const header =
    `${name}: ${Math.round(result.requestsPerSecond)} req/s at 16 ` +
    `connections while profiled (${seconds} s, non-2xx ${result.non2xx})\n`;
  writeFileSync(join(dir, `${name}.txt`), header + summary.stdout + summary.stderr);
  console.log(header + summary.stdout + summary.stderr);
}

/** A SQLite file with `count` seeded products (the seed script, migrations included). */
function seededDatabase(count: number): string {
  const url = `sqlite:///${join(mkdtempSync(join(tmpdir(), 'bench_profile_')), 'products.sqlite')}`;
  const seed = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/seed.ts',
      '--products',
      String(count),
      '--customers',
      '0',
      '--orders',
      '0',
      '--migrate',
    ],
    {
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
    },
  );
  if (seed.status !== 0) throw new Error(`seed failed:\n${seed.stdout}\n${seed.stderr}`);
  return url;
}

const predict = (rows: number, token: string): BenchRequest[] => [
  {
    method: 'POST',
    path: '/api/v1/inference/sensor-anomaly/predict',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      inputs: Array.from({ length: rows }, (_, index) => [15 + (index % 15), 35 + (index % 20), 1000 + (index % 25)]),
    }),
  },
];

/** GET requests for the seeded products that answer 200 (the seed also makes inactive ones, which 404). */
async function activeProducts(baseUrl: string): Promise<BenchRequest[]> {
  const all: BenchRequest[] = Array.from({ length: 1000 }, (_, index) => ({
    method: 'GET',
    path: `/api/v1/products/${1 + ((index * 7919) % 1000)}`,
  }));
  const found = await Promise.all(
    all.map(async (request) => ((await send(baseUrl, request)).status === 200 ? request : undefined)),
  );
  return found.filter((request): request is BenchRequest => request !== undefined);
}

/** Page-of-20 lists whose filters miss the 1-second list cache (as bench/commerce.ts sends them). */
const uncachedLists = (): BenchRequest[] =>
  Array.from({ length: 5000 }, (_, index) => ({
    method: 'GET',
    path: `/api/v1/products?pageSize=20&minPrice=${(index / 100).toFixed(2)}`,
  }));

for (const name of paths) {
  if (name.startsWith('products-'))
    process.env.BENCH_DATABASE_URL = seededDatabase(name === 'products-by-id' ? 1000 : 10_000);
  else delete process.env.BENCH_DATABASE_URL;
  const spawned = performance.now();
  const app = await startBenchApp({ RATE_LIMIT_USER_MAX: '100000000' });
  const requests: BenchRequest[] =
    name === 'products-by-id'
      ? await activeProducts(app.baseUrl)
      : name === 'products-list-uncached'
        ? uncachedLists()
        : predict(name === 'predict-64' ? 64 : 1, app.token);
  const target = { baseUrl: app.baseUrl, requests };
  // The ceiling's fixture comes from the product's answers, so it is captured before the product stops.
  const fixture =
    !withCeiling || name === 'products-list-uncached'
      ? undefined
      : name === 'products-by-id'
        ? {
            products: await Promise.all(
              requests.map(async (request) => (await send(app.baseUrl, request)).body as { id: number }),
            ),
            list: null,
          }
        : {
            products: [],
            list: null,
            predict: await predictFixture(app.baseUrl, requests, 'sensor-anomaly', 'auto'),
          };
  await profileRun(name, target, spawned, () => app.stop());
  if (!fixture) continue;
  const ceilingSpawned = performance.now();
  const ceiling = await startCeiling(fixture);
  await profileRun(`ceiling-${name}`, { baseUrl: ceiling.baseUrl, requests }, ceilingSpawned, () => ceiling.stop());
}
