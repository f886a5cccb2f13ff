/**
 * How many refusals a second the HTTP thread can answer: the cost of saying 503 under overload, when
 * refusals are most calls and the thread that answers them also reads the calls it admits and /health.
 *
 * Two builds side by side (this one, BENCH_API_ENTRY or dist/bundle/api.mjs, and a baseline,
 * BENCH_BASELINE_ENTRY, e.g. an earlier commit built with scripts/build-into.sh), each with the slow
 * test model (test/fixtures/onnx/slow-identity.onnx, about a second of compute per execution, one
 * worker). During a side's round a keeper keeps one execution running back to back, so the queue's
 * expected wait is about a second; wrk then sends 1-row predicts with X-Request-Timeout-Ms: 1 at 16
 * connections, and every call the queue would refuse is answered 503 INFERENCE_OVERLOADED before its
 * body is read. Alternating rounds; prints refusals/s per side and their ratio. The worker's compute
 * takes one core on both sides alike.
 *
 *   BENCH_BASELINE_ENTRY=.build/before/bundle/api.mjs npx tsx bench/refusal-cost.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deployOnnxVersion, startBenchApp, type BenchApp } from './lib/bench-app.js';
import { median, round, settings, type RoundResult, type Target } from './lib/load-runner.js';

const MODEL = 'slow-identity';
const baselineEntry = process.env.BENCH_BASELINE_ENTRY;
if (!baselineEntry)
  throw new Error('set BENCH_BASELINE_ENTRY to the baseline bundle (e.g. .build/before/bundle/api.mjs)');

const predictInit = (app: BenchApp, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}`, ...headers },
  body: JSON.stringify({ inputs: [[1]] }),
});

/** Keeps one execution running back to back (no deadline) until stopped. */
function keepBusy(app: BenchApp): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) await (await fetch(`${app.baseUrl}/api/v1/inference/${MODEL}/predict`, predictInit(app))).text();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function refusalRound(app: BenchApp, seconds: number): Promise<RoundResult> {
  const keeper = keepBusy(app);
  // The first execution teaches the queue its compute time; from then on a 1 ms deadline cannot be met.
  await new Promise((resolveWait) => setTimeout(resolveWait, 1_500));
  const init = predictInit(app, { 'x-request-timeout-ms': '1' });
  const target: Target = {
    baseUrl: app.baseUrl,
    requests: [{ method: 'POST', path: `/api/v1/inference/${MODEL}/predict`, headers: init.headers, body: init.body }],
  };
  const result = await round(target, 16, seconds);
  await keeper.stop();
  return result;
}

const summary = (rounds: RoundResult[]) =>
  `${Math.round(median(rounds.map((r) => r.requestsPerSecond)))} answers/s ` +
  `(${rounds.reduce((sum, r) => sum + r.non2xx, 0)} non-2xx in all), ` +
  `p50 ${median(rounds.map((r) => r.p50Ms)).toFixed(2)} ms, p99 ${median(rounds.map((r) => r.p99Ms)).toFixed(2)} ms`;

async function main(): Promise<void> {
  const env = { INFERENCE_WORKERS: '1' };
  const current = await startBenchApp(env);
  const baseline = await startBenchApp(env, resolve(baselineEntry!));
  const model = readFileSync(resolve('test/fixtures/onnx/slow-identity.onnx'));
  for (const app of [current, baseline]) await deployOnnxVersion(app, MODEL, '[1]', model);
  const sides = [
    { name: 'this build', app: current, rounds: [] as RoundResult[] },
    { name: 'baseline', app: baseline, rounds: [] as RoundResult[] },
  ];
  for (const side of sides) await refusalRound(side.app, settings.warmupSeconds);
  for (let index = 0; index < settings.rounds; index += 1)
    for (const side of sides) side.rounds.push(await refusalRound(side.app, settings.roundSeconds));
  console.log(
    `1-row predicts refused before their body is read, 16 connections, ${settings.rounds}×` +
      `${settings.roundSeconds} s alternating (one slow execution always running)`,
  );
  for (const side of sides) console.log(`  ${side.name.padEnd(11)} ${summary(side.rounds)}`);
  const rate = (rounds: RoundResult[]) => median(rounds.map((r) => r.requestsPerSecond));
  console.log(`  ratio       this build / baseline = ×${(rate(sides[0].rounds) / rate(sides[1].rounds)).toFixed(2)}`);
  await Promise.all(sides.map((side) => side.app.stop()));
}

await main();
