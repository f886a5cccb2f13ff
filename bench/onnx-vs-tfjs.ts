/**
 * The shipped networks (order-value, sensor-anomaly) as TF.js and as their ONNX twins
 * (test/fixtures/onnx), in the same run:
 *   - raw: ModelServer.predict at 1 and 64 rows, sequential calls, alternating rounds, medians. TF.js as
 *     served (verified dense fast path on the main thread) and on TF.js kernels (fast path off); ONNX
 *     in its worker thread. Ratios ONNX / TF.js.
 *   - HTTP: /predict at 1 and 64 rows on the built API, TF.js version 1.0.0 against the ONNX twin
 *     uploaded and deployed beside it (bench/lib/load-runner.ts: alternating rounds, medians).
 *
 *   npm run build && node dist/bench/onnx-vs-tfjs.js
 *   BENCH_ROUNDS=3 BENCH_CALLS=300 BENCH_ROUND_SECONDS=5 BENCH_HTTP=0 (raw only)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModelServer, selectBackend } from '../libs/inference/src/index.js';
import { startBenchApp } from './lib/bench-app.js';
import { compare, median, type BenchRequest } from './lib/load-runner.js';

// From dist/bench/ when compiled (the way to run it: the ONNX host entry is a built file), from bench/ otherwise.
const ROOT = resolve(import.meta.dirname, import.meta.dirname.includes('/dist/') ? '../..' : '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const NETWORKS = {
  'order-value': [3, 40, 2, 5],
  'sensor-anomaly': [21, 45, 1012],
} as const;
type Network = keyof typeof NETWORKS;

const rows = (network: Network, count: number) => {
  const base = NETWORKS[network];
  return Array.from({ length: count }, (_, r) => base.map((v, i) => v + ((r + i) % 7)));
};

async function microsPerCall(server: ModelServer, key: string, input: Float32Array, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let call = 0; call < CALLS; call++) await server.predict(key, input, count);
  return Number(process.hrtime.bigint() - started) / 1000 / CALLS;
}

async function raw(): Promise<void> {
  await selectBackend('wasm');
  // maxBatch 1: every call runs as sent, so the figures are the engines' own, not the batcher's.
  const server = new ModelServer({ maxBatch: 1, maxDelayUs: 0, onnx: { workers: 1 } });
  const kernels = new ModelServer({ maxBatch: 1, maxDelayUs: 0, fastPath: 'off' });
  for (const network of Object.keys(NETWORKS) as Network[]) {
    await server.load(`${network}@tfjs`, resolve(ROOT, `models/${network}/1.0.0`));
    await kernels.load(`${network}@tfjs`, resolve(ROOT, `models/${network}/1.0.0`));
    await server.load(`${network}@onnx`, resolve(ROOT, `test/fixtures/onnx/${network}.onnx`));
    for (const count of [1, 64]) {
      const input = Float32Array.from(rows(network, count).flat());
      const sides = [
        ['tfjs', () => microsPerCall(server, `${network}@tfjs`, input, count)],
        ['kernels', () => microsPerCall(kernels, `${network}@tfjs`, input, count)],
        ['onnx', () => microsPerCall(server, `${network}@onnx`, input, count)],
      ] as const;
      const times: Record<string, number[]> = { tfjs: [], kernels: [], onnx: [] };
      for (const [, run] of sides) await run(); // warm-up
      for (let round = 0; round < ROUNDS; round++) for (const [name, run] of sides) times[name].push(await run());
      const [t, k, o] = [median(times.tfjs), median(times.kernels), median(times.onnx)];
      console.log(
        `raw ${network} ${count} rows: TF.js served ${t.toFixed(0)} µs, TF.js kernels ${k.toFixed(0)} µs, ` +
          `ONNX worker ${o.toFixed(0)} µs per call; ONNX/TF.js served ${(o / t).toFixed(2)}, ` +
          `ONNX/TF.js kernels ${(o / k).toFixed(2)}`,
      );
    }
  }
  server.close();
  kernels.close();
}

/** Uploads and deploys the ONNX twin of `network` as version 2.0.0-onnx (1.0.0, TF.js, stays loaded). */
async function uploadTwin(baseUrl: string, token: string, network: Network): Promise<void> {
  const metadata = JSON.parse(readFileSync(resolve(ROOT, `models/${network}/1.0.0/metadata.json`), 'utf8'));
  const form = new FormData();
  const fields: Record<string, unknown> = { ...metadata, name: network, version: '2.0.0-onnx', framework: 'onnx' };
  for (const key of ['name', 'version', 'framework', 'task']) form.append(key, String(fields[key]));
  for (const key of ['inputShape', 'featureNames', 'outputLabels'])
    if (fields[key] !== undefined) form.append(key, JSON.stringify(fields[key]));
  const file = readFileSync(resolve(ROOT, `test/fixtures/onnx/${network}.onnx`));
  form.append('model', new Blob([file]), 'model.onnx');
  const auth = { authorization: `Bearer ${token}` };
  const uploaded = await fetch(`${baseUrl}/api/v1/models`, { method: 'POST', headers: auth, body: form });
  if (uploaded.status !== 201) throw new Error(`upload ${network}: ${uploaded.status} ${await uploaded.text()}`);
  // A staging version is served by number once an alias names it; deploying would move production.
  const alias = await fetch(`${baseUrl}/api/v1/models/${network}/aliases/onnx`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ version: '2.0.0-onnx' }),
  });
  if (alias.status !== 200) throw new Error(`alias ${network}: ${alias.status} ${await alias.text()}`);
}

async function http(): Promise<void> {
  const app = await startBenchApp();
  try {
    for (const network of Object.keys(NETWORKS) as Network[]) {
      await uploadTwin(app.baseUrl, app.token, network);
      for (const count of [1, 64]) {
        const request = (version: string): BenchRequest => ({
          method: 'POST',
          path: `/api/v1/inference/${network}/predict`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` },
          body: JSON.stringify({ inputs: rows(network, count), version }),
        });
        const onnx = { baseUrl: app.baseUrl, requests: [request('onnx')] };
        const tfjs = { baseUrl: app.baseUrl, requests: [request('1.0.0')] };
        const result = await compare(`HTTP ${network} ${count} rows: ONNX (product) vs TF.js`, onnx, tfjs, 16);
        console.log(`  => HTTP ${network} ${count} rows: ONNX/TF.js req/s ${result.ratio.toFixed(2)}`);
      }
    }
  } finally {
    await app.stop();
  }
}

await raw();
if (process.env.BENCH_HTTP !== '0') await http();
