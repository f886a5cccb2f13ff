import * as tf from '@tensorflow/tfjs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { DynamicBatcher } from './dynamic-batcher.js';
import { ModelLoadError, ModelNotLoadedError, PredictInputError } from './errors.js';
import { ModelPool } from './model-pool.js';
import { ModelRegistry } from './registry.js';
import { copyArtifact, shippedModelDir } from './testing/paths.js';

const SENSOR = shippedModelDir('sensor-anomaly');
const ORDERS = shippedModelDir('order-value');
const reading = Float32Array.from([21.5, 45, 1012]);
const order = Float32Array.from([3, 20, 2, 5]);

describe('ModelRegistry', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('loads, lists, reads info and unloads', async () => {
    const registry = new ModelRegistry();
    expect(await registry.load('sensor-anomaly@1.0.0', SENSOR)).toMatchObject({ inputShape: [3], outputSize: 2 });
    await registry.load('order-value@1.0.0', ORDERS);
    expect(registry.loadedKeys().sort()).toEqual(['order-value@1.0.0', 'sensor-anomaly@1.0.0']);
    expect(registry.info('order-value@1.0.0')).toMatchObject({ format: 'layers', inputShape: [4], outputSize: 1 });
    expect(registry.list().map((s) => [s.key, s.inFlight])).toContainEqual(['sensor-anomaly@1.0.0', 0]);
    const { values } = await registry.predict('sensor-anomaly@1.0.0', reading, 1);
    expect(values).toHaveLength(2);
    expect(registry.unload('order-value@1.0.0')).toBe(true);
    expect(registry.unload('order-value@1.0.0')).toBe(false);
    expect(registry.info('order-value@1.0.0')).toBeUndefined();
    expect(registry.acquire('order-value@1.0.0')).toBeUndefined();
    await expect(registry.predict('order-value@1.0.0', order, 1)).rejects.toBeInstanceOf(ModelNotLoadedError);
    registry.close();
    expect(registry.loadedKeys()).toEqual([]);
  });

  it('hot swap: a request in flight finishes on the old version, which is disposed only after release', async () => {
    const disposed: string[] = [];
    const registry = new ModelRegistry({ onDispose: (key, info) => disposed.push(`${key}:${info.outputSize}`) });
    const key = 'm@prod';
    await registry.load(key, SENSOR);
    const before = tf.memory().numTensors;

    const lease = registry.acquire(key)!;
    expect(lease.info.outputSize).toBe(2);
    // swap in a different model under the same key while the lease is held
    await registry.load(key, ORDERS);
    expect(registry.info(key)?.outputSize).toBe(1);
    expect(disposed).toEqual([]);
    expect(registry.retiringCount()).toBe(1);
    // the old request still runs on the old version
    expect(await lease.predict(reading, 1)).toHaveLength(2);
    // new requests get the new version
    expect((await registry.predict(key, order, 1)).values).toHaveLength(1);

    lease.release();
    lease.release(); // idempotent
    expect(disposed).toEqual(['m@prod:2']);
    expect(registry.retiringCount()).toBe(0);
    await expect(lease.predict(reading, 1)).rejects.toThrow('released');
    // the old weights are gone: fewer tensors than when both were loaded
    expect(tf.memory().numTensors).toBeLessThan(before + 1);
    registry.close();
    expect(disposed).toEqual(['m@prod:2', 'm@prod:1']);
  });

  it('a failed load keeps the old version serving', async () => {
    const registry = new ModelRegistry();
    const key = 'sensor@1';
    await registry.load(key, SENSOR);
    const broken = await copyArtifact(SENSOR);
    await rm(join(broken, 'weights.bin'));
    const tensors = tf.memory().numTensors;
    await expect(registry.load(key, broken)).rejects.toMatchObject({ code: 'WEIGHTS_MISSING' });
    await expect(registry.load(key, '/nonexistent/model')).rejects.toBeInstanceOf(ModelLoadError);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(registry.loadedKeys()).toEqual([key]);
    expect((await registry.predict(key, reading, 1)).values).toHaveLength(2);
    registry.close();
  });

  it('unload while a request holds the model frees it on release', async () => {
    const disposed: string[] = [];
    const registry = new ModelRegistry({ onDispose: (key) => disposed.push(key) });
    await registry.load('a@1', ORDERS);
    const lease = registry.acquire('a@1')!;
    registry.unload('a@1');
    expect(registry.loadedKeys()).toEqual([]);
    expect(await lease.predict(order, 1)).toHaveLength(1);
    expect(disposed).toEqual([]);
    lease.release();
    expect(disposed).toEqual(['a@1']);
  });

  it('loads of one key apply in call order', async () => {
    const registry = new ModelRegistry();
    await Promise.all([registry.load('k', SENSOR), registry.load('k', ORDERS)]);
    expect(registry.info('k')?.inputShape).toEqual([4]);
    registry.close();
  });

  it('many concurrent requests across a swap all succeed and nothing leaks', async () => {
    const registry = new ModelRegistry();
    await registry.load('s', SENSOR);
    const before = tf.memory().numTensors;
    const requests = Array.from({ length: 200 }, () => registry.predict('s', reading, 1));
    const swap = registry.load('s', SENSOR);
    const more = Array.from({ length: 200 }, () => registry.predict('s', reading, 1));
    const results = await Promise.all([...requests, ...more]);
    await swap;
    expect(results.every((r) => r.values.length === 2)).toBe(true);
    expect(registry.retiringCount()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    registry.close();
  });
});

describe('DynamicBatcher over ModelPool', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('coalesces concurrent calls per version with results identical to unbatched calls', async () => {
    const pool = new ModelPool();
    await pool.load('s@1', SENSOR);
    const seen: { rows: number; requests: number }[] = [];
    const waits: number[] = [];
    const batcher = new DynamicBatcher(pool, { maxBatch: 32, maxDelayUs: 500 }, {
      onBatch: (key, rows, requests) => seen.push({ rows, requests }),
      onQueued: (_key, waitMs) => waits.push(waitMs),
    });
    const rows = Array.from({ length: 100 }, (_, i) => Float32Array.from([-10 + i, 10 + i * 0.8, 950 + i * 1.5]));
    const expected = await Promise.all(rows.map((row) => pool.predict('s@1', row, 1).then((r) => r.values)));
    const before = tf.memory().numTensors;
    const actual = await Promise.all(rows.map((row) => batcher.predict('s@1', row, 1)));
    expect(actual).toEqual(expected);
    expect(Math.max(...seen.map((s) => s.rows))).toBeLessThanOrEqual(32);
    expect(seen.length).toBeLessThanOrEqual(10);
    expect(seen.reduce((n, s) => n + s.rows, 0)).toBe(100);
    expect(waits).toHaveLength(100);
    expect(await batcher.predict('missing@1', rows[0], 1)).toBeUndefined();
    await expect(batcher.predict('s@1', Float32Array.from([1, 2]), 1)).rejects.toBeInstanceOf(PredictInputError);
    expect(tf.memory().numTensors).toBe(before);
    expect(pool.keys()).toEqual(['s@1']);
    expect(await pool.inspect(ORDERS)).toMatchObject({ inputShape: [4] });
    pool.clear();
    expect(pool.keys()).toEqual([]);
  });

  it('requests queued on a version that is swapped out finish on it', async () => {
    const disposed: string[] = [];
    const pool = new ModelPool({ onDispose: (key, info) => disposed.push(`${key}:${info.inputShape.join(',')}`) });
    await pool.load('m', SENSOR);
    const batcher = new DynamicBatcher(pool, { maxBatch: 1000, maxDelayUs: 20_000 });
    const queued = batcher.predict('m', reading, 1); // waits up to 20 ms for company
    await pool.load('m', ORDERS);
    expect(disposed).toEqual([]);
    expect(await queued).toHaveLength(2);
    expect(disposed).toEqual(['m:3']);
    expect(await batcher.predict('m', order, 1)).toHaveLength(1);
    pool.clear();
  });
});
