/**
 * POST /api/v1/inference/sensor-anomaly/predict (1 row, 16 connections) of this build beside a
 * baseline build (e.g. the code before a change, or the same code bundled another way), in the same
 * run: each on a throwaway SQLite database, alternating rounds (bench/lib/load-runner.ts), medians.
 * Builds are `npm run build` output folders (their bundle runs, as `npm start` runs it) or
 * scripts/build-into.sh ones (no bundle: their modules run).
 *
 *   BENCH_BASELINE_DIR=.build/before [BENCH_BUILD_DIR=dist] npx tsx bench/predict-vs-baseline.ts
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { onePredict, startBenchApp } from './lib/bench-app.js';
import { compare } from './lib/load-runner.js';

const buildDir = process.env.BENCH_BUILD_DIR ?? 'dist';
const baselineDir = process.env.BENCH_BASELINE_DIR;
if (!baselineDir) throw new Error('BENCH_BASELINE_DIR: the baseline build (a scripts/build-into.sh output folder)');

const entry = (dir: string) =>
  existsSync(resolve(dir, 'bundle/api.mjs')) ? resolve(dir, 'bundle/api.mjs') : resolve(dir, 'apps/api/src/main.js');
const product = await startBenchApp({}, entry(buildDir));
const baseline = await startBenchApp({}, entry(baselineDir));
try {
  await compare(
    `predict, 1 row, ${buildDir} vs ${baselineDir}`,
    onePredict(product),
    onePredict(baseline),
    16,
    'baseline',
  );
} finally {
  await product.stop();
  await baseline.stop();
}
