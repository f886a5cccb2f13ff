import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ModelServer } from '@app/inference';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

// In-process (createInProcessApp), not the shipped bundle: the test makes one of the version's ONNX worker
// threads exit, through the pool's internal handle, which only a test in the same process can reach. The
// thread really ends (the host's own exit, unknown to the pool), with calls queued on it that it never
// answers, as after an uncaught error in the worker. Not Worker.terminate(): terminating a thread inside
// ONNX Runtime's native run aborts the whole process (see onnx-host.ts).

const MODEL = 'order-value';
const VERSION = '3.0.0-onnx';
const KEY = `${MODEL}@${VERSION}`;

interface HostHandle {
  alive: boolean;
  inFlight: number;
  /** HostChannel's private send: an `exit` sent this way ends the thread without close(), unknown to the pool. */
  post: (message: unknown) => void;
}

interface ModelHandle {
  pool: { slots: { host: HostHandle }[] };
  /** OnnxModel.predict: straight to the pool, which runs a call once more if its worker is lost. */
  predict: (input: Float32Array, rows: number) => Promise<Float32Array>;
}

/** The loaded version's OnnxModel: ModelServer → registry → OnnxModel (→ OnnxWorkerPool → slots). */
function modelOf(server: ModelServer, key: string): ModelHandle {
  const registry = (server as unknown as { registry: { serving: Map<string, { model: unknown }> } }).registry;
  return registry.serving.get(key)?.model as ModelHandle;
}

const workersOf = (server: ModelServer, key: string) => modelOf(server, key).pool.slots.map((slot) => slot.host);

const values = (body: { predictions: { value: number }[] }) => body.predictions.map((p) => p.value);
const rows = (count: number, seed: number) =>
  Array.from({ length: count }, (_, i) => [1 + ((i + seed) % 9), 5 + (((i + seed) * 37) % 190), 1 + (i % 7), i % 40]);

describe('an ONNX worker lost while serving', () => {
  let t: InProcessApp;
  let server: ModelServer;
  const admin = () => bearer(t.adminToken);
  const predict = (inputs: number[][]) =>
    t.http().post(`/api/v1/inference/${MODEL}/predict`).set(admin()).send({ inputs, version: VERSION });
  const lost = async () => {
    const metrics = await t.http().get('/metrics').expect(200);
    const line = metrics.text
      .split('\n')
      .find((l) => l.startsWith(`inference_workers_lost_total{model="${MODEL}",version="${VERSION}"`));
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
    const model = modelOf(server, KEY);
    const [worker] = workersOf(server, KEY);
    const calls = inputs.map((input) => predict(input).then((response) => response)); // sent now
    await waitFor(async () => (worker.inFlight > 0 ? true : undefined), 10_000, 1);
    // The HTTP calls wait in the version's queue (one execution per worker at a time), so only calls
    // straight to the model put many on the worker at once. In one synchronous turn: such calls, the
    // thread's exit, more calls. Those after the exit are certainly unanswered when the thread ends.
    const direct = (input: number[][]) => model.predict(Float32Array.from(input.flat()), input.length);
    const before = inputs.map(direct);
    worker.post({ op: 'exit', id: 0 });
    const after = inputs.map(direct);
    expect(worker.inFlight).toBeGreaterThanOrEqual(2 * inputs.length);
    const answers = await Promise.all(calls);
    for (const [index, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(values(answer.body)).toEqual(values(expected[index]));
    }
    for (const outputs of [await Promise.all(before), await Promise.all(after)])
      outputs.forEach((output, index) => expect(Array.from(output)).toEqual(values(expected[index]).map(Math.fround)));
    expect(worker.alive).toBe(false);
    const [fresh] = workersOf(server, KEY);
    expect(fresh).not.toBe(worker);
    expect(fresh.alive).toBe(true);
    await predict(rows(3, 99)).expect(200);
    expect(await lost()).toMatch(/outcome="replaced"[^}]*\} 1$/);
    await t.http().get(`/v2/models/${MODEL}/versions/${VERSION}/ready`).set(admin()).expect(200);
  });

  it('replaces a worker lost while idle before the next call needs it', async () => {
    const [worker] = workersOf(server, KEY);
    worker.post({ op: 'exit', id: 0 });
    await waitFor(async () => {
      const [current] = workersOf(server, KEY);
      return current !== worker && current.alive ? true : undefined;
    }, 20_000);
    await predict(rows(2, 7)).expect(200);
    expect(await lost()).toMatch(/\} 2$/);
  });
});
