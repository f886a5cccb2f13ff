import * as tf from '@tensorflow/tfjs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { ModelLoadError } from './errors.js';
import { loadModel } from './load-model.js';
import { ModelServer, type ModelServerOptions } from './model-server.js';
import { copyArtifact, onnxFixture, shippedModelDir } from './testing/paths.js';

const SENSOR = shippedModelDir('sensor-anomaly');
const ORDERS = shippedModelDir('order-value');
const reading = Float32Array.from([21.5, 45, 1012]);
const order = Float32Array.from([3, 20, 2, 5]);

/** Batching off unless a test asks for it. */
const server = (options: Partial<ModelServerOptions> = {}) =>
  new ModelServer({ maxBatch: 1, maxDelayUs: 0, ...options });
/**
 * y = x after about a second of compute in an ONNX worker (test/fixtures/onnx/slow-identity.onnx):
 * a request on it holds its version long enough for a swap or an unload to happen under it even on
 * a busy machine (20 ms was not). A lone request is never held back for company, so the model's own
 * time is what keeps it in flight.
 */
const SLOW = onnxFixture('slow-identity');
const waiting = (options: Partial<ModelServerOptions> = {}) =>
  server({ maxBatch: 1000, maxDelayUs: 0, onnx: { workers: 1, threadsPerSession: 1 }, ...options });

describe('ModelServer', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('selects the backend on start', async () => {
    const models = server();
    expect(models.backend).toBe('unset');
    expect(await models.start('cpu')).toBe('cpu');
    expect(models.backend).toBe('cpu');
  });

  it('loads, reads info, predicts and unloads', async () => {
    const models = server();
    expect(await models.load('sensor-anomaly@1.0.0', SENSOR)).toMatchObject({ inputShape: [3], outputSize: 2 });
    await models.load('order-value@1.0.0', ORDERS);
    expect(models.loadedKeys().sort()).toEqual(['order-value@1.0.0', 'sensor-anomaly@1.0.0']);
    expect(models.info('order-value@1.0.0')).toMatchObject({ format: 'layers', inputShape: [4], outputSize: 1 });
    const output = await models.predict('sensor-anomaly@1.0.0', Float32Array.from([...reading, ...reading]), 2);
    expect(output?.values).toHaveLength(4);
    expect(output?.outputSize).toBe(2);
    expect(models.unload('order-value@1.0.0')).toBe(true);
    expect(models.unload('order-value@1.0.0')).toBe(false);
    expect(models.info('order-value@1.0.0')).toBeUndefined();
    expect(await models.predict('order-value@1.0.0', order, 1)).toBeUndefined();
    models.close();
    expect(models.loadedKeys()).toEqual([]);
  });

  it('inspect loads, reports and frees, under the load bounds', async () => {
    const before = tf.memory().numTensors;
    const models = server({ loadTimeoutMs: 30_000 });
    expect(await models.inspect(ORDERS)).toMatchObject({ format: 'layers', inputShape: [4], outputSize: 1 });
    expect(models.loadedKeys()).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    await expect(models.inspect('/nonexistent/model')).rejects.toMatchObject({ code: 'MODEL_JSON_MISSING' });
  });

  it('hot swap: a request in flight finishes on the old version, which is freed only when it ends', async () => {
    const disposed: string[] = [];
    const models = waiting({ onDispose: (key, info) => disposed.push(`${key}:${info.outputSize}`) });
    const key = 'm@prod';
    await models.load(key, SLOW);
    const inFlight = models.predict(key, Float32Array.from([7]), 1);
    // swap in a different model under the same key while the request holds the old one
    await models.load(key, SENSOR);
    expect(models.info(key)?.outputSize).toBe(2);
    expect(disposed).toEqual([]);
    // the old request still runs on the old version; new requests get the new one
    const next = models.predict(key, reading, 1);
    expect(Array.from((await inFlight)?.values ?? [])).toEqual([7]);
    expect(disposed).toEqual(['m@prod:1']);
    expect((await next)?.values).toHaveLength(2);
    models.close();
    expect(disposed).toEqual(['m@prod:1', 'm@prod:2']);
  });

  it('a failed load keeps the old version serving and leaks nothing', async () => {
    const models = server();
    const key = 'sensor@1';
    await models.load(key, SENSOR);
    const broken = await copyArtifact(SENSOR);
    await rm(join(broken, 'weights.bin'));
    const tensors = tf.memory().numTensors;
    await expect(models.load(key, broken)).rejects.toMatchObject({ code: 'WEIGHTS_MISSING' });
    await expect(models.load(key, '/nonexistent/model')).rejects.toBeInstanceOf(ModelLoadError);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(models.loadedKeys()).toEqual([key]);
    expect((await models.predict(key, reading, 1))?.values).toHaveLength(2);
    models.close();
  });

  it('unload while a request holds the model frees it when the request ends', async () => {
    const disposed: string[] = [];
    const models = waiting({ onDispose: (key) => disposed.push(key) });
    await models.load('a@1', SLOW);
    const inFlight = models.predict('a@1', Float32Array.from([7]), 1);
    models.unload('a@1');
    expect(models.loadedKeys()).toEqual([]);
    expect(disposed).toEqual([]);
    expect(Array.from((await inFlight)?.values ?? [])).toEqual([7]);
    expect(disposed).toEqual(['a@1']);
  });

  it('loads of one key apply in call order', async () => {
    const models = server();
    await Promise.all([models.load('k', SENSOR), models.load('k', ORDERS)]);
    expect(models.info('k')?.inputShape).toEqual([4]);
    models.close();
  });

  it('many concurrent requests across a swap all succeed and nothing leaks', async () => {
    const disposed: string[] = [];
    const models = server({ maxBatch: 32, maxDelayUs: 500, onDispose: (key) => disposed.push(key) });
    await models.load('s', SENSOR);
    const before = tf.memory().numTensors;
    const requests = Array.from({ length: 200 }, () => models.predict('s', reading, 1));
    const swap = models.load('s', SENSOR);
    const more = Array.from({ length: 200 }, () => models.predict('s', reading, 1));
    const results = await Promise.all([...requests, ...more]);
    await swap;
    expect(results.every((r) => r?.values.length === 2)).toBe(true);
    expect(disposed).toEqual(['s']);
    expect(tf.memory().numTensors).toBe(before);
    models.close();
  });
});

describe('ModelServer dynamic batching', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('coalesces concurrent calls per version with results identical to unbatched calls', async () => {
    const seen: { key: string; rows: number; requests: number }[] = [];
    const waits: number[] = [];
    const models = server({
      maxBatch: 32,
      maxDelayUs: 500,
      observer: {
        onBatch: (key, rows, requests) => seen.push({ key, rows, requests }),
        onQueued: (_key, waitMs) => waits.push(waitMs),
      },
    });
    await models.load('s@1', SENSOR);
    const alone = await loadModel(SENSOR);
    const rows = Array.from({ length: 100 }, (_, i) => Float32Array.from([-10 + i, 10 + i * 0.8, 950 + i * 1.5]));
    const expected = await Promise.all(rows.map((row) => alone.predict(row, 1)));
    alone.dispose();
    const before = tf.memory().numTensors;
    const actual = await Promise.all(rows.map((row) => models.predict('s@1', row, 1)));
    expect(actual.map((output) => output?.values)).toEqual(expected);
    expect(Math.max(...seen.map((s) => s.rows))).toBeLessThanOrEqual(32);
    expect(seen.length).toBeLessThanOrEqual(10);
    expect(seen.reduce((n, s) => n + s.rows, 0)).toBe(100);
    expect(new Set(seen.map((s) => s.key))).toEqual(new Set(['s@1']));
    expect(waits).toHaveLength(100);
    expect(tf.memory().numTensors).toBe(before);
    models.close();
  });

  it('a request breaking the length invariant is refused before batching; its neighbours are unaffected', async () => {
    const models = server({ maxBatch: 1000, maxDelayUs: 20_000 });
    await models.load('s@1', SENSOR);
    const before = tf.memory().numTensors;
    const mixed = await Promise.allSettled([
      models.predict('s@1', reading, 1),
      models.predict('s@1', Float32Array.from([1, 2]), 1),
      models.predict('s@1', reading, 0),
      models.predict('s@1', reading, 1),
    ]);
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((mixed[1] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect((mixed[0] as PromiseFulfilledResult<unknown>).value).toEqual(
      (mixed[3] as PromiseFulfilledResult<unknown>).value,
    );
    expect(tf.memory().numTensors).toBe(before);
    models.close();
  });

  it('requests queued on a version that is swapped out finish on it', async () => {
    const disposed: string[] = [];
    const models = waiting({ onDispose: (key, info) => disposed.push(`${key}:${info.inputShape.join(',')}`) });
    await models.load('m', SLOW);
    const running = models.predict('m', Float32Array.from([1]), 1);
    await new Promise((resolve) => setImmediate(resolve));
    // Waits behind the running one, in the old version's queue.
    const queued = models.predict('m', Float32Array.from([2]), 1);
    await models.load('m', SENSOR);
    expect(disposed).toEqual([]);
    expect(Array.from((await running)?.values ?? [])).toEqual([1]);
    expect(Array.from((await queued)?.values ?? [])).toEqual([2]);
    expect(disposed).toEqual(['m:1']);
    expect((await models.predict('m', reading, 1))?.values).toHaveLength(2);
    models.close();
  });
});
