import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { AdmissionError } from './errors.js';
import { ModelServer, type ModelServerOptions } from './model-server.js';
import { onnxFixture, shippedModelDir } from './testing/paths.js';

const SENSOR = shippedModelDir('sensor-anomaly');
/** y = x after about a second of compute in an ONNX worker: executions long enough to queue behind. */
const SLOW = onnxFixture('slow-identity');
const reading = Float32Array.from([21.5, 45, 1012]);
const one = (value: number) => Float32Array.from([value]);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const interactive = (timeoutMs?: number) => ({
  sheddable: true,
  deadline: timeoutMs === undefined ? undefined : performance.now() + timeoutMs,
});

function server(options: Partial<ModelServerOptions> = {}) {
  const shed: string[] = [];
  const models = new ModelServer({
    maxBatch: 32,
    maxDelayUs: 0,
    onnx: { workers: 1, threadsPerSession: 1 },
    observer: { onShed: (_key, code) => shed.push(code) },
    ...options,
  });
  return { models, shed };
}

/** Settles `promise` to its AdmissionError code, or 'ran' when it resolved. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ran',
    (error: unknown) => (error instanceof AdmissionError ? error.code : `other: ${String(error)}`),
  );

/** Blocks this thread for `ms` (as a long TF.js run would), so timers cannot fire meanwhile. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('admission on a TF.js version (runs on this thread)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('a full queue refuses a sheddable request at once; a job waits instead; neither refused one runs', async () => {
    const { models, shed } = server({ maxBatch: 1, queueDepth: 1 });
    await models.load('s@1', SENSOR);
    // The first fills a batch of one and starts at once; the second is the one that may wait.
    const first = models.predict('s@1', reading, 1, interactive());
    const waiting = models.predict('s@1', reading, 1, interactive());
    const refused = models.predict('s@1', reading, 1, interactive());
    const job = models.predict('s@1', reading, 1, { sheddable: false });
    expect(await outcome(refused)).toBe('OVERLOADED');
    await expect(refused.catch((error: AdmissionError) => error.retryAfterS)).resolves.toBeGreaterThanOrEqual(1);
    expect(await Promise.all([outcome(first), outcome(waiting), outcome(job)])).toEqual(['ran', 'ran', 'ran']);
    expect(models.batchStats('s@1')).toEqual({ executions: 3, requests: 3, rows: 3 });
    expect(shed).toEqual(['OVERLOADED']);
    models.close();
  });

  it('a request whose deadline passes while it waits is dropped from its batch before compute', async () => {
    const { models, shed } = server();
    await models.load('s@1', SENSOR);
    const kept = models.predict('s@1', reading, 1, interactive(60_000));
    const late = models.predict('s@1', reading, 1, interactive(5));
    busy(20);
    expect(await Promise.all([outcome(kept), outcome(late)])).toEqual(['ran', 'DEADLINE_EXCEEDED']);
    expect(models.batchStats('s@1')).toEqual({ executions: 1, requests: 1, rows: 1 });
    expect(shed).toEqual(['DEADLINE_EXCEEDED']);
    models.close();
  });

  it('the default deadline bounds sheddable requests only', async () => {
    const { models } = server({ defaultTimeoutMs: 5 });
    await models.load('s@1', SENSOR);
    const shedded = models.predict('s@1', reading, 1, { sheddable: true });
    const job = models.predict('s@1', reading, 1, { sheddable: false });
    busy(20);
    expect(await Promise.all([outcome(shedded), outcome(job)])).toEqual(['DEADLINE_EXCEEDED', 'ran']);
    models.close();
  });
});

describe('admission and adaptive batching on a slow ONNX version (runs in a worker)', () => {
  const { models, shed } = server({ queueDepth: 2 });
  const key = 'slow@1';
  beforeAll(async () => {
    await models.load(key, SLOW);
  });
  afterAll(() => models.close());

  it('before any execution is observed, a waiting request is admitted and then dropped at its deadline', async () => {
    const running = models.predict(key, one(1), 1, interactive());
    await nextTurn();
    const waiting = models.predict(key, one(2), 1, interactive(150));
    const infer = models.infer(key, [{ name: 'x', shape: [1, 1], data: one(3) }], interactive(150));
    const full = models.predict(key, one(4), 1, interactive());
    expect(await outcome(full)).toBe('OVERLOADED');
    expect(await Promise.all([outcome(waiting), outcome(infer)])).toEqual(['DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED']);
    expect(Array.from((await running)?.values ?? [])).toEqual([1]);
    // Only the first reached the model.
    expect(models.batchStats(key)).toEqual({ executions: 1, requests: 1, rows: 1 });
    expect(shed).toEqual(['OVERLOADED', 'DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED']);
  });

  it('once its compute time is known, a request that cannot start within its deadline is refused at once', async () => {
    let ended = false;
    const running = models.predict(key, one(1), 1, interactive()).finally(() => (ended = true));
    await nextTurn();
    const refused = models.predict(key, one(2), 1, interactive(100));
    expect(await outcome(refused)).toBe('OVERLOADED');
    // Refused without waiting for the running execution (about a second).
    expect(ended).toBe(false);
    await running;
    expect(models.batchStats(key).executions).toBe(2);
  });

  it('a lone request runs at once; a burst that arrives while it runs leaves as one batch', async () => {
    const { models: burst } = server({ queueDepth: 64 });
    await burst.load(key, SLOW);
    const lone = burst.predict(key, one(0), 1, interactive());
    await nextTurn();
    const rows = Array.from({ length: 20 }, (_, i) => burst.predict(key, one(i + 1), 1, interactive()));
    const results = await Promise.all([lone, ...rows]);
    expect(results.map((result) => result?.values[0])).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(burst.batchStats(key)).toEqual({ executions: 2, requests: 21, rows: 21 });
    burst.close();
  });

  it('V2 named-tensor calls queue like predict: waiters leave as one batch, one past its deadline alone', async () => {
    const { models: v2, shed: v2Shed } = server({ queueDepth: 8 });
    try {
      await v2.load(key, SLOW);
      expect(v2.info(key)?.tensors?.batching).toBe(true);
      const x = (value: number) => [{ name: 'x', shape: [1, 1], data: [value] }];
      const running = v2.predict(key, one(0), 1, interactive());
      await nextTurn();
      const late = v2.infer(key, x(1), interactive(150));
      const waiting = [2, 3, 4].map((value) => v2.infer(key, x(value), interactive()));
      expect(await outcome(late)).toBe('DEADLINE_EXCEEDED');
      const answers = await Promise.all(waiting);
      expect(answers.map((outputs) => outputs?.[0].data)).toEqual([[2], [3], [4]]);
      await running;
      // The three that waited ran as one execution; the late one never reached the model.
      expect(v2.batchStats(key)).toEqual({ executions: 2, requests: 4, rows: 4 });
      expect(v2Shed).toEqual(['DEADLINE_EXCEEDED']);
    } finally {
      v2.close();
    }
  });
});
