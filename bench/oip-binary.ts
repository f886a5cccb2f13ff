/**
 * Large numeric inputs over V2 infer, JSON against the binary tensor data extension, beside raw
 * predict of the same model in the same run (alternating rounds, medians; bench/lib/load-runner.ts):
 *   - 64 rows of the shipped sensor-anomaly classifier (FP32 [64,3]), 16 connections
 *   - an image: nsfwjs's MobileNetV2 (layers, shipped inside the `nsfwjs` package) on FP32
 *     [1,224,224,3], 2 clients (completed requests counted: a few a second)
 * Binary requests send the rows as raw float32 after the JSON header and ask for every output as
 * bytes. Raw predict runs the same model file in a separate process with no HTTP (bench/ceiling-server.ts,
 * the executor the product runs: the dense fast path where the model allows). Before measuring, the
 * binary answer is checked equal to the JSON answer. Target: binary HTTP rows/s >= 50 % of raw.
 *
 *   npm run build && npx tsx bench/oip-binary.ts
 *   BENCH_ROUNDS=1 BENCH_ROUND_SECONDS=2 npx tsx bench/oip-binary.ts   # smoke run
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { materializeNsfwjsModel } from '../libs/inference/src/testing/nsfwjs-fixture.js';
import { startBenchApp, type BenchApp } from './lib/bench-app.js';
import { startCeiling } from './lib/ceiling.js';
import { median, round, settings, type BenchRequest, type Target } from './lib/load-runner.js';

interface Case {
  label: string;
  model: string;
  modelDir: string;
  rowShape: number[];
  rows: number;
  connections: number;
  /** Count completed requests with fetch clients (for a few requests a second) instead of load-runner. */
  closedLoop?: boolean;
}

/** Deterministic values in 0..1 (an image's scaled pixels) or around the sensor's readings. */
const values = (count: number, sensor: boolean) =>
  Array.from({ length: count }, (_, index) =>
    sensor ? [20, 40, 1010][index % 3] + (index % 7) : ((index * 7919) % 256) / 255,
  );

async function uploadImageModel(app: BenchApp): Promise<string> {
  const dir = await materializeNsfwjsModel('mobilenet_v2', join(mkdtempSync(join(tmpdir(), 'bench_nsfw_')), 'm'));
  const form = new FormData();
  const fields = {
    name: 'nsfw-layers',
    version: '1.0.0',
    framework: 'tfjs-layers',
    task: 'classification',
    inputShape: '[224,224,3]',
    outputLabels: JSON.stringify(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']),
  };
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('model', new Blob([readFileSync(join(dir, 'model.json'))]), 'model.json');
  for (const file of readdirSync(dir).filter((name) => name !== 'model.json'))
    form.append('weights', new Blob([readFileSync(join(dir, file))]), file);
  const auth = { authorization: `Bearer ${app.token}` };
  const uploaded = await fetch(`${app.baseUrl}/api/v1/models`, { method: 'POST', headers: auth, body: form });
  if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
  const deploy = `${app.baseUrl}/api/v1/models/nsfw-layers/versions/1.0.0/deploy`;
  const deployed = await fetch(deploy, { method: 'POST', headers: auth });
  if (deployed.status !== 200) throw new Error(`deploy: ${deployed.status} ${await deployed.text()}`);
  return dir;
}

function requests(app: BenchApp, input: string, test: Case): { json: BenchRequest; binary: BenchRequest } {
  const shape = [test.rows, ...test.rowShape];
  const data = values(
    shape.reduce((a, b) => a * b, 1),
    test.model === 'sensor-anomaly',
  );
  const path = `/v2/models/${test.model}/infer`;
  const auth = { authorization: `Bearer ${app.token}` };
  const tensor = { name: input, shape, datatype: 'FP32' };
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ ...tensor, parameters: { binary_data_size: data.length * 4 } }],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    json: {
      method: 'POST',
      path,
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ ...tensor, data }] }),
    },
    binary: {
      method: 'POST',
      path,
      headers: {
        ...auth,
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.length),
      },
      body: Buffer.concat([header, Buffer.from(Float32Array.from(data).buffer)]),
    },
  };
}

/** The binary answer's float32 bytes must equal the JSON answer's values, else the figures mean nothing. */
async function assertSameOutputs(baseUrl: string, json: BenchRequest, binary: BenchRequest): Promise<void> {
  const asJson = (await (await fetch(`${baseUrl}${json.path}`, json)).json()) as { outputs: { data: number[] }[] };
  const answer = await fetch(`${baseUrl}${binary.path}`, binary);
  const bytes = Buffer.from(await answer.arrayBuffer());
  const length = Number(answer.headers.get('inference-header-content-length'));
  const tail = bytes.subarray(length);
  const decoded = Array.from(new Float32Array(tail.buffer.slice(tail.byteOffset, tail.byteOffset + tail.length)));
  if (!isDeepStrictEqual(decoded, asJson.outputs[0].data))
    throw new Error(`binary and JSON answers differ: ${JSON.stringify([decoded, asJson.outputs[0].data])}`);
}

/**
 * Requests/s counted as completed requests over the time taken, `connections` clients each sending
 * one request after another: load-runner's per-second averages round a few image requests a second
 * to 0 or 1.
 */
async function closedLoop(baseUrl: string, request: BenchRequest, connections: number, seconds: number) {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let done = 0;
  const client = async () => {
    while (performance.now() < deadline) {
      const answer = await fetch(`${baseUrl}${request.path}`, request);
      await answer.arrayBuffer();
      if (!answer.ok) throw new Error(`${request.path}: ${answer.status}`);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  return done / ((performance.now() - started) / 1000);
}

async function measureCase(app: BenchApp, test: Case): Promise<void> {
  const headers = { authorization: `Bearer ${app.token}` };
  const metadata = await (await fetch(`${app.baseUrl}/v2/models/${test.model}`, { headers })).json();
  const { json, binary } = requests(app, (metadata as { inputs: { name: string }[] }).inputs[0].name, test);
  await assertSameOutputs(app.baseUrl, json, binary);
  const ceiling = await startCeiling({
    products: [],
    list: null,
    predict: { modelDir: test.modelDir, name: test.model, version: '1.0.0', backend: 'auto', replies: {} },
  });
  const width = test.rowShape.reduce((a, b) => a * b, 1);
  const target = (request: BenchRequest): Target => ({ baseUrl: app.baseUrl, requests: [request] });
  const requestsPerSecond = async (request: BenchRequest, seconds: number) => {
    if (test.closedLoop) return closedLoop(app.baseUrl, request, test.connections, seconds);
    const result = await round(target(request), test.connections, seconds);
    if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
    return result.requestsPerSecond;
  };
  const figures = { json: [] as number[], binary: [] as number[], raw: [] as number[] };
  try {
    if (settings.warmupSeconds > 0)
      for (const request of [json, binary]) await requestsPerSecond(request, settings.warmupSeconds);
    for (let index = 0; index < settings.rounds; index += 1) {
      for (const [kind, request] of [
        ['json', json],
        ['binary', binary],
      ] as const) {
        figures[kind].push((await requestsPerSecond(request, settings.roundSeconds)) * test.rows);
      }
      figures.raw.push(await ceiling.rawPredict(test.rows, settings.roundSeconds, width, 'fast'));
    }
  } finally {
    await ceiling.stop();
  }
  const [jsonRows, binaryRows, rawRows] = [median(figures.json), median(figures.binary), median(figures.raw)];
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)} %`;
  const fmt = (rows: number) => (rows < 100 ? rows.toFixed(2) : String(Math.round(rows)));
  console.log(`${test.label} (${test.connections} conn, ${settings.rounds}×${settings.roundSeconds} s alternating)`);
  console.log(`  rows/s  V2 JSON ${fmt(jsonRows)}  V2 binary ${fmt(binaryRows)}  raw ${fmt(rawRows)}`);
  console.log(
    `  binary / raw = ${pct(binaryRows, rawRows)} (target >= 50 %)  JSON / raw = ${pct(jsonRows, rawRows)}  ` +
      `binary / JSON = ${(binaryRows / jsonRows).toFixed(2)}x`,
  );
}

/** BENCH_CASES=sensor or image runs one of the two. */
const wanted = (name: string) => (process.env.BENCH_CASES ?? 'sensor,image').split(',').includes(name);

async function main(): Promise<void> {
  const app = await startBenchApp();
  try {
    const imageDir = await uploadImageModel(app);
    if (wanted('sensor'))
      await measureCase(app, {
        label: 'sensor-anomaly, 64 rows FP32 [64,3]',
        model: 'sensor-anomaly',
        modelDir: resolve('models', 'sensor-anomaly', '1.0.0'),
        rowShape: [3],
        rows: 64,
        connections: 16,
      });
    if (wanted('image'))
      await measureCase(app, {
        label: 'MobileNetV2 image, FP32 [1,224,224,3]',
        model: 'nsfw-layers',
        modelDir: imageDir,
        rowShape: [224, 224, 3],
        rows: 1,
        connections: 2,
        closedLoop: true,
      });
  } finally {
    await app.stop();
  }
}

await main();
