/**
 * Adaptive batching and load shedding, same run, on a model whose compute dominates a 1-row request
 * (bench/lib/onnx-mlp.ts: 32 -> H -> H -> 1 dense ONNX, H = BENCH_HIDDEN, default 4096, ~68 MB of
 * weights, served by the ONNX worker like any upload):
 *   1. batching off (INFERENCE_MAX_BATCH=1) vs on (BENCH_MAX_BATCH, default 16) at 1, 8 and 64 clients,
 *      1-row predicts, alternating rounds on two servers: req/s, p50, p99 and the on/off ratios;
 *      the server's average batch size (requests ÷ executions) from GET /inference/stats.
 *   2. overload: 2×, 1× and 0.5× the 64-client throughput of the batching-on server, offered open loop
 *      (bench/lib/overload.ts: each request sent when due over up to 256 connections, its latency
 *      counted from then), each stating X-Request-Timeout-Ms = the unloaded (1-client) p99 rounded up
 *      (or BENCH_DEADLINE_MS); admitted (200) p50/p99 against the unloaded p99, how many were shed (503:
 *      queue or saturation) or dropped (504), how late the generator itself sent, and GET /health
 *      latency beside it. The load and the /health sampler run in child processes.
 *   3. the batcher without HTTP (bench/lib/batcher-in-process.ts): 64 callers, off vs on.
 *
 *   npm run build && npx tsx bench/adaptive-batching.ts
 *   BENCH_ROUNDS=1 BENCH_ROUND_SECONDS=3 npx tsx bench/adaptive-batching.ts   # smoke run
 */
import { deployOnnxVersion, startBenchApp, type BenchApp } from './lib/bench-app.js';
import { batcherInProcess } from './lib/batcher-in-process.js';
import { median, round, settings, type RoundResult, type Target } from './lib/load-runner.js';
import { denseOnnx } from './lib/onnx-mlp.js';
import { overload } from './lib/overload.js';

const MODEL = 'bench-dense';
const WIDTH = 32;
const HIDDEN = Number(process.env.BENCH_HIDDEN ?? 4096);
const MAX_BATCH = process.env.BENCH_MAX_BATCH ?? '16';
const OVERLOAD_SECONDS = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 10);
/** Offered rates, as multiples of the batching-on server's 64-client throughput: the goal's 2×, 1× and half. */
const OVERLOAD_FACTORS = [2, 1, 0.5];
/** Saturation shedding (opt-in in the product) is on here: the model runs in an ONNX worker. */
const SHED_LOOP_DELAY_MS = process.env.BENCH_SHED_LOOP_DELAY_MS ?? '100';
/** Enough connections that the offered rate does not wait for answers (an open-loop load). */
const CONNECTIONS = Number(process.env.BENCH_OVERLOAD_CONNECTIONS ?? 256);
const row = Array.from({ length: WIDTH }, (_, i) => (i % 7) / 7);

const predict = (app: BenchApp, headers: Record<string, string> = {}): Target => ({
  baseUrl: app.baseUrl,
  requests: [
    {
      method: 'POST',
      path: `/api/v1/inference/${MODEL}/predict`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}`, ...headers },
      body: JSON.stringify({ inputs: [row] }),
    },
  ],
});

async function averageBatchSize(app: BenchApp): Promise<string> {
  const stats = (await (
    await fetch(`${app.baseUrl}/api/v1/inference/stats`, { headers: { authorization: `Bearer ${app.token}` } })
  ).json()) as { model: string; executions: number; averageBatchSize: number | null }[];
  const mine = stats.find((entry) => entry.model === MODEL);
  return `${mine?.averageBatchSize ?? '-'} over ${mine?.executions ?? 0} executions`;
}

const line = (label: string, r: { requestsPerSecond: number; p50Ms: number; p99Ms: number; non2xx: number }) =>
  `  ${label.padEnd(13)} ${Math.round(r.requestsPerSecond).toString().padStart(6)} req/s  ` +
  `p50 ${r.p50Ms.toFixed(1).padStart(7)} ms  p99 ${r.p99Ms.toFixed(1).padStart(7)} ms  non-2xx ${r.non2xx}`;

const summarise = (results: RoundResult[]) => ({
  requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
  p50Ms: median(results.map((r) => r.p50Ms)),
  p99Ms: median(results.map((r) => r.p99Ms)),
  non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
});

/** Off and on at `clients` connections, warmed up, then alternating rounds. */
async function offVersusOn(off: Target, on: Target, clients: number) {
  await round(off, clients, settings.warmupSeconds);
  await round(on, clients, settings.warmupSeconds);
  const offRounds: RoundResult[] = [];
  const onRounds: RoundResult[] = [];
  for (let index = 0; index < settings.rounds; index += 1) {
    offRounds.push(await round(off, clients, settings.roundSeconds));
    onRounds.push(await round(on, clients, settings.roundSeconds));
  }
  const [a, b] = [summarise(offRounds), summarise(onRounds)];
  console.log(`1-row predict, ${clients} client(s), ${settings.rounds}×${settings.roundSeconds} s alternating`);
  console.log(line('batching off', a));
  console.log(line(`on (max ${MAX_BATCH})`, b));
  console.log(
    `  on/off       throughput ${(b.requestsPerSecond / a.requestsPerSecond).toFixed(2)}×  ` +
      `p50 ${(b.p50Ms / a.p50Ms).toFixed(2)}×  p99 ${(b.p99Ms / a.p99Ms).toFixed(2)}×`,
  );
  return { off: a, on: b };
}

async function main(): Promise<void> {
  const model = denseOnnx([WIDTH, HIDDEN, HIDDEN, 1]);
  console.log(`model: dense ONNX ${WIDTH} -> ${HIDDEN} -> ${HIDDEN} -> 1 (${(model.length / 1e6).toFixed(1)} MB)`);
  const off = await startBenchApp({ INFERENCE_MAX_BATCH: '1', INFERENCE_SHED_LOOP_DELAY_MS: SHED_LOOP_DELAY_MS });
  const on = await startBenchApp({ INFERENCE_MAX_BATCH: MAX_BATCH, INFERENCE_SHED_LOOP_DELAY_MS: SHED_LOOP_DELAY_MS });
  await deployOnnxVersion(off, MODEL, `[${WIDTH}]`, model);
  await deployOnnxVersion(on, MODEL, `[${WIDTH}]`, model);
  const results = [];
  for (const clients of [1, 8, 64]) results.push(await offVersusOn(predict(off), predict(on), clients));
  console.log(`average batch size (GET /inference/stats): off ${await averageBatchSize(off)}`);
  console.log(`                                            on  ${await averageBatchSize(on)}`);
  await off.stop();
  const unloadedP99 = results[0].on.p99Ms;
  const deadlineMs = Number(process.env.BENCH_DEADLINE_MS ?? Math.ceil(unloadedP99));
  const request = predict(on, { 'x-request-timeout-ms': String(deadlineMs) }).requests[0];
  for (const factor of OVERLOAD_FACTORS) {
    const rate = factor * results[2].on.requestsPerSecond;
    console.log(`${factor}× the 64-client throughput:`);
    await overload({
      app: on,
      request,
      rate,
      seconds: OVERLOAD_SECONDS,
      connections: CONNECTIONS,
      deadlineMs,
      unloadedP99Ms: unloadedP99,
    });
  }
  await on.stop();
  await batcherInProcess(model, WIDTH, Number(MAX_BATCH), settings.rounds);
}

await main();
