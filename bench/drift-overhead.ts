/**
 * What drift monitoring costs a prediction: the shipped sensor-anomaly (which carries the reference
 * `npm run train` wrote) with the monitor on (DRIFT_WINDOW_ROWS default) against the same bundle with
 * it off (DRIFT_WINDOW_ROWS=0), alternating rounds in the same run (bench/lib/load-runner.ts), at 1
 * and 64 rows per call. Afterwards the drift route must show the window filled, so "on" really binned.
 * Then, in process (steadier than HTTP on a shared machine): the CPU of binning 64 rows into a window
 * against packing the same 64 rows from a parsed body (input-rows.ts, which every call runs), alternating.
 *
 *   npm run build && npx tsx bench/drift-overhead.ts
 *   BENCH_ROUNDS=1 BENCH_ROUND_SECONDS=2 npx tsx bench/drift-overhead.ts   # smoke run
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DriftWindow } from '../libs/serving/src/drift/drift-window.js';
import type { ReferenceStatistics } from '../libs/serving/src/drift/reference-stats.js';
import { packRows } from '../libs/serving/src/inference/input-rows.js';
import { startBenchApp, type BenchApp } from './lib/bench-app.js';
import { compare, type BenchRequest, type Target } from './lib/load-runner.js';

const MODEL = 'sensor-anomaly';
const row = (index: number) => [15 + (index % 15), 35 + (index % 20), 1000 + (index % 25)];

function predict(app: BenchApp, rows: number): Target {
  const request: BenchRequest = {
    method: 'POST',
    path: `/api/v1/inference/${MODEL}/predict`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` },
    body: JSON.stringify({ inputs: Array.from({ length: rows }, (_, index) => row(index)) }),
  };
  return { baseUrl: app.baseUrl, requests: [request] };
}

/** Median ns per call of `work`, over rounds alternating with the other measure's. */
function timed(work: () => void, calls: number): number {
  const started = process.hrtime.bigint();
  for (let call = 0; call < calls; call += 1) work();
  return Number(process.hrtime.bigint() - started) / calls;
}

function binningVersusPacking(): void {
  const reference = JSON.parse(
    readFileSync(join(process.cwd(), 'models', MODEL, '1.0.0', 'reference.json'), 'utf8'),
  ) as ReferenceStatistics;
  const window = new DriftWindow(reference, 10_000);
  const inputs = Array.from({ length: 64 }, (_, index) => row(index));
  const layout = { inputShape: [3], featureNames: ['temperature', 'humidity', 'pressure'] };
  const packed = packRows(inputs, layout, 1024);
  const binning: number[] = [];
  const packing: number[] = [];
  for (let round = 0; round < 7; round += 1) {
    binning.push(timed(() => window.add(packed.data, packed.rows, Date.now()), 20_000));
    packing.push(timed(() => packRows(inputs, layout, 1024), 20_000));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(
    `64 rows, in process: binning into the window ${(median(binning) / 1000).toFixed(2)} µs, ` +
      `packing the rows ${(median(packing) / 1000).toFixed(2)} µs; binning / packing = ` +
      `${(median(binning) / median(packing)).toFixed(3)}`,
  );
}

async function main(): Promise<void> {
  const on = await startBenchApp();
  const off = await startBenchApp({ DRIFT_WINDOW_ROWS: '0' });
  try {
    for (const [rows, connections] of [
      [1, 16],
      [64, 16],
    ] as const) {
      const { ratio } = await compare(
        `predict ${rows} row(s), drift on (product) vs off (reference)`,
        predict(on, rows),
        predict(off, rows),
        connections,
      );
      console.log(`  drift on / off throughput: ${ratio.toFixed(3)}`);
    }
    const report = (await (
      await fetch(`${on.baseUrl}/api/v1/models/${MODEL}/versions/1.0.0/drift`, {
        headers: { authorization: `Bearer ${on.token}` },
      })
    ).json()) as { window: { rows: number }; features: { name: string; psi: number }[] };
    const psi = report.features.map((feature) => `${feature.name} ${feature.psi.toFixed(3)}`).join(', ');
    console.log(`drift window after the run (on): ${report.window.rows} rows; PSI ${psi}`);
  } finally {
    await on.stop();
    await off.stop();
  }
  binningVersusPacking();
}

await main();
