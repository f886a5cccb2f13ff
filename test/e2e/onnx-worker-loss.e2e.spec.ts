import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ModelServer, mulberry32 } from '@app/inference';
import { PPOCR_CLS } from '../../libs/inference/src/testing/onnx-direct.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

// In-process (createInProcessApp), not the shipped bundle: the test ends one of the version's ONNX worker
// threads itself, through the pool's internal handle, which only a test in the same process can reach. The
// thread really exits (Worker.terminate), as it would after a native crash in ONNX Runtime.

const MODEL = 'order-value';
const VERSION = '3.0.0-onnx';
const KEY = `${MODEL}@${VERSION}`;

interface HostHandle {
  alive: boolean;
  inFlight: number;
  /** HostChannel's private way to end its thread without close(): the pool sees an unexpected exit. */
  stop: () => void;
}

/** The worker channels of the loaded version: ModelServer → registry → OnnxModel → OnnxWorkerPool → slots. */
function workersOf(server: ModelServer, key: string): HostHandle[] {
  const registry = (server as unknown as { registry: { serving: Map<string, { model: unknown }> } }).registry;
  const model = registry.serving.get(key)?.model as { pool: { slots: { host: HostHandle }[] } };
  return model.pool.slots.map((slot) => slot.host);
}

const values = (body: { predictions: { value: number }[] }) => body.predictions.map((p) => p.value);
const rows = (count: number, seed: number) =>
  Array.from({ length: count }, (_, i) => [1 + ((i + seed) % 9), 5 + (((i + seed) * 37) % 190), 1 + (i % 7), i % 40]);

describe('an ONNX worker lost while serving', () => {
  let t: InProcessApp;
  let server: ModelServer;
  const admin = () => bearer(t.adminToken);
  const predict = (inputs: number[][]) =>
    t.http().post(`/api/v1/inference/${MODEL}/predict`).set(admin()).send({ inputs, version: VERSION });
  const lost = async (model = MODEL, version = VERSION) => {
    const metrics = await t.http().get('/metrics').expect(200);
    const line = metrics.text
      .split('\n')
      .find((l) => l.startsWith(`inference_workers_lost_total{model="${model}",version="${version}"`));
    return line;
  };

  beforeAll(async () => {
    // One worker: with it gone, no other worker could hide a missing replacement.
    t = await createInProcessApp({ INFERENCE_WORKERS: '1', INFERENCE_MAX_BATCH: '1' });
    server = t.app.get(ModelServer);
    await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      onnx: onnxFixture(MODEL),
      fields: onnxFields(MODEL, VERSION),
    }).expect(201);
    await t.http().post(`/api/v1/models/${MODEL}/versions/${VERSION}/deploy`).set(admin()).expect(200);
  });
  afterAll(() => t.close());

  it('runs the calls in flight on it again on a fresh worker, serves later calls, and counts the loss', async () => {
    const inputs = Array.from({ length: 24 }, (_, call) => rows(64, call));
    // What each call answers while nothing goes wrong.
    const expected: { predictions: { value: number }[] }[] = [];
    for (const input of inputs) expected.push((await predict(input).expect(200)).body);
    const [worker] = workersOf(server, KEY);
    const calls = inputs.map((input) => predict(input).then((response) => response)); // sent now
    await waitFor(async () => (worker.inFlight > 0 ? true : undefined), 10_000, 1);
    worker.stop();
    const answers = await Promise.all(calls);
    for (const [index, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(values(answer.body)).toEqual(values(expected[index]));
    }
    expect(worker.alive).toBe(false);
    const [fresh] = workersOf(server, KEY);
    expect(fresh).not.toBe(worker);
    expect(fresh.alive).toBe(true);
    await predict(rows(3, 99)).expect(200);
    expect(await lost()).toMatch(/outcome="replaced"[^}]*\} 1$/);
    await t.http().get(`/v2/models/${MODEL}/versions/${VERSION}/ready`).set(admin()).expect(200);
  });

  it('runs calls queued on a worker that ends mid-run again on its replacement (a CNN: runs long enough)', async () => {
    const fields = { version: '1.0.0', framework: 'onnx', task: 'classification', inputShape: '[3,48,192]' };
    await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      onnx: readFileSync(PPOCR_CLS),
      fields: { ...fields, name: 'ppocr-cls', outputLabels: '["0","180"]' },
    }).expect(201);
    await t.http().post('/api/v1/models/ppocr-cls/versions/1.0.0/deploy').set(admin()).expect(200);
    const random = mulberry32(5);
    const images = Array.from({ length: 6 }, () => Float32Array.from({ length: 16 * 27_648 }, () => random()));
    const expected: Float32Array[] = [];
    for (const image of images) expected.push((await server.predict('ppocr-cls@1.0.0', image, 16))!.values);
    const [worker] = workersOf(server, 'ppocr-cls@1.0.0');
    // Posted to the worker synchronously: all are unanswered when its thread ends, one of them mid-run.
    const queued = images.map((image) => server.predict('ppocr-cls@1.0.0', image, 16));
    expect(worker.inFlight).toBe(images.length);
    worker.stop();
    const outputs = await Promise.all(queued);
    expect(worker.alive).toBe(false);
    outputs.forEach((output, i) => {
      const worst = Math.max(...output!.values.map((v, j) => Math.abs(v - expected[i][j])));
      expect(worst).toBeLessThan(1e-6);
    });
    expect(await lost('ppocr-cls', '1.0.0')).toMatch(/outcome="replaced"[^}]*\} 1$/);
  });

  it('replaces a worker lost while idle before the next call needs it', async () => {
    const [worker] = workersOf(server, KEY);
    worker.stop();
    await waitFor(async () => {
      const [current] = workersOf(server, KEY);
      return current !== worker && current.alive ? true : undefined;
    }, 20_000);
    await predict(rows(2, 7)).expect(200);
    expect(await lost()).toMatch(/\} 2$/);
  });
});
