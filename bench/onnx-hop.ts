/**
 * The worker hop: order-value as TF.js on the main thread (verified dense fast path) against its ONNX
 * twin in a worker thread, sequential calls at 1 and 64 rows, alternating rounds, medians. Prints
 * µs per call and the same-run ratio ONNX / TF.js (the rule in docs/onnx.md rests on it).
 *
 *   npm run build && node dist/bench/onnx-hop.js   # compiled: the ONNX host entry is a built file
 *   (BENCH_ROUNDS=5 BENCH_CALLS=500 by default)
 */
import { resolve } from 'node:path';
import { ModelServer, selectBackend } from '../libs/inference/src/index.js';

// From dist/bench/ when compiled (the way to run it), from bench/ otherwise.
const ROOT = resolve(import.meta.dirname, import.meta.dirname.includes('/dist/') ? '../..' : '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = (count: number) => Float32Array.from({ length: count * 4 }, (_, i) => [3, 40, 2, 5][i % 4] + (i % 7));

async function microsPerCall(server: ModelServer, key: string, count: number): Promise<number> {
  const input = rows(count);
  const started = process.hrtime.bigint();
  for (let call = 0; call < CALLS; call++) await server.predict(key, input, count);
  return Number(process.hrtime.bigint() - started) / 1000 / CALLS;
}

await selectBackend('wasm');
const server = new ModelServer({ maxBatch: 64, maxDelayUs: 0, onnx: { workers: 1 } });
await server.load('tfjs', resolve(ROOT, 'models/order-value/1.0.0'));
await server.load('onnx', resolve(ROOT, 'test/fixtures/onnx/order-value.onnx'));
for (const count of [1, 64]) {
  const tfjs: number[] = [];
  const onnx: number[] = [];
  await microsPerCall(server, 'tfjs', count); // warm-up
  await microsPerCall(server, 'onnx', count);
  for (let round = 0; round < ROUNDS; round++) {
    tfjs.push(await microsPerCall(server, 'tfjs', count));
    onnx.push(await microsPerCall(server, 'onnx', count));
  }
  const [t, o] = [median(tfjs), median(onnx)];
  const ratio = (o / t).toFixed(2);
  console.log(`${count} rows: TF.js ${t.toFixed(0)} µs/call, ONNX worker ${o.toFixed(0)} µs/call, ONNX/TF.js ${ratio}`);
}
server.close();
