/**
 * Cold-load latency against warm call latency under a memory budget (docs/serving.md, "Memory
 * budget"): two versions of one format and a budget that holds one, so alternate calls each find
 * their version evicted and load it (read, warm up at 1 and INFERENCE_MAX_BATCH rows, measure);
 * then calls on a resident version. One row per call, medians; prints both and the same-run ratio.
 *
 *   npm run build && node dist/bench/cold-load.js   # compiled: the ONNX host entry is a built file
 *   (BENCH_CALLS=40 alternating cold calls and 400 warm ones by default)
 */
import { resolve } from 'node:path';
import { ModelServer, selectBackend } from '../libs/inference/src/index.js';

// From dist/bench/ when compiled (the way to run it), from bench/ otherwise.
const ROOT = resolve(import.meta.dirname, import.meta.dirname.includes('/dist/') ? '../..' : '..');
const CALLS = Number(process.env.BENCH_CALLS ?? 40);
const MAX_BATCH = 256;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const PAIRS = {
  'TF.js': {
    sensor: { source: 'models/sensor-anomaly/1.0.0', row: [21.5, 45, 1012] },
    orders: { source: 'models/order-value/1.0.0', row: [3, 20, 2, 5] },
  },
  ONNX: {
    sensor: { source: 'test/fixtures/onnx/sensor-anomaly.onnx', row: [21.5, 45, 1012] },
    orders: { source: 'test/fixtures/onnx/order-value.onnx', row: [3, 20, 2, 5] },
  },
};

async function millis(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function measure(format: keyof typeof PAIRS): Promise<void> {
  const pair = PAIRS[format];
  let loads = 0;
  // Measure both first (one at a time, as under a budget), then hold only the larger of the two.
  const probe = new ModelServer({ maxBatch: MAX_BATCH, maxDelayUs: 0, onnx: { workers: 1 } });
  const sizes: number[] = [];
  for (const [key, { source }] of Object.entries(pair))
    sizes.push((await probe.load(key, resolve(ROOT, source))).residentBytes);
  probe.close();
  const server = new ModelServer({
    maxBatch: MAX_BATCH,
    maxDelayUs: 0,
    onnx: { workers: 1 },
    residency: { budgetBytes: Math.max(...sizes), onLoad: () => (loads += 1) },
  });
  for (const [key, { source }] of Object.entries(pair)) await server.load(key, resolve(ROOT, source));
  const call = (key: keyof typeof pair) => server.predict(key, Float32Array.from(pair[key].row), 1);
  const cold: number[] = [];
  loads = 0;
  for (let i = 0; i < CALLS; i++) cold.push(await millis(() => call(i % 2 === 0 ? 'sensor' : 'orders')));
  if (loads !== CALLS) throw new Error(`expected ${CALLS} cold loads, saw ${loads}`);
  const warm: number[] = [];
  for (let i = 0; i < CALLS * 10; i++) warm.push(await millis(() => call('orders')));
  server.close();
  const [c, w] = [median(cold), median(warm)];
  console.log(
    `${format}: cold call (load + warm-up + predict) ${c.toFixed(2)} ms, warm call ${(w * 1000).toFixed(0)} µs, ` +
      `cold/warm ${(c / w).toFixed(0)}× (sizes ${sizes.join(' / ')} bytes, ${CALLS} cold calls)`,
  );
}

console.log(`TF.js backend: ${await selectBackend('auto')}; warm-up batch ${MAX_BATCH}`);
await measure('TF.js');
await measure('ONNX');
