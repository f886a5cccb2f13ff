import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { PredictInputError } from './errors.js';
import type { LoadedModel } from './loaded-model.js';
import { inspectModel, loadModel } from './loaded-model.js';
import { shippedModelDir } from './testing/paths.js';

const NORMAL = [21.5, 45, 1012];
const HOT = [85, 45, 1012];

describe('LoadedModel on the shipped layers models', () => {
  let sensor: LoadedModel;
  let orders: LoadedModel;

  beforeAll(async () => {
    await selectBackend('cpu');
    sensor = await loadModel(shippedModelDir('sensor-anomaly'));
    orders = await loadModel(shippedModelDir('order-value'));
  });

  afterAll(() => {
    sensor.dispose();
    orders.dispose();
  });

  it('reports format, row shape, dtype and output size', () => {
    expect(sensor.info).toMatchObject({ format: 'layers', inputShape: [3], inputDtype: 'float32', rowSize: 3, outputSize: 2, backend: 'cpu' });
    expect(orders.info).toMatchObject({ format: 'layers', inputShape: [4], inputDtype: 'float32', rowSize: 4, outputSize: 1 });
    expect(sensor.info.sizeBytes).toBeGreaterThan(0);
  });

  it('classifies raw readings (normalisation is inside the model)', async () => {
    const out = await sensor.predict(Float32Array.from([...NORMAL, ...HOT]), 2);
    expect(out).toHaveLength(4);
    expect(out[0] + out[1]).toBeCloseTo(1, 5);
    expect(out[0]).toBeGreaterThan(0.5);
    expect(out[3]).toBeGreaterThan(0.5);
  });

  it('regresses an order total', async () => {
    const [value] = await orders.predict(Float32Array.from([3, 20, 2, 5]), 1);
    expect(value).toBeGreaterThan(30);
    expect(value).toBeLessThan(90);
  });

  it('warms up on load, unless told not to', async () => {
    expect(sensor.info.warmupMs).toBeGreaterThan(0);
    const cold = await loadModel(shippedModelDir('sensor-anomaly'), { warmup: false });
    try {
      expect(cold.info.warmupMs).toBe(0);
      // without the warm-up, outputSize comes from the declared output shape
      expect(cold.info.outputSize).toBe(2);
    } finally {
      cold.dispose();
    }
  });

  it('rejects bad input with a PredictInputError naming the row', async () => {
    await expect(sensor.predict(Float32Array.from([1, 2]), 1)).rejects.toThrow('expected 3 values (1 row(s) of shape [3]), got 2');
    await expect(sensor.predict(Float32Array.from([...NORMAL, 1, NaN, 3]), 2)).rejects.toMatchObject({ row: 1, reason: 'row 1: value 1 is NaN' });
    await expect(sensor.predict(Float32Array.from([Infinity, 1, 2]), 1)).rejects.toBeInstanceOf(PredictInputError);
    await expect(sensor.predict(new Float32Array(0), 0)).rejects.toThrow('row count must be a positive integer, got 0');
  });

  it('leaks no tensor over 1000 good and 1000 failing predictions', async () => {
    const before = tf.memory().numTensors;
    const good = Float32Array.from([...NORMAL, ...HOT, ...NORMAL]);
    for (let i = 0; i < 1000; i++) {
      const out = await sensor.predict(good, 3);
      expect(out).toHaveLength(6);
    }
    expect(tf.memory().numTensors).toBe(before);
    const bad = [
      () => sensor.predict(Float32Array.from([1, 2]), 1),
      () => sensor.predict(Float32Array.from([NaN, 2, 3]), 1),
      () => sensor.predict(good, 2),
      () => sensor.predict(good, -1),
    ];
    for (let i = 0; i < 1000; i++) await expect(bad[i % bad.length]()).rejects.toBeInstanceOf(PredictInputError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensor when the forward pass itself throws', async () => {
    const before = tf.memory().numTensors;
    const model = await loadModel(shippedModelDir('order-value'));
    const afterLoad = tf.memory().numTensors;
    // Force a forward-pass failure past validation: a wrong length sent straight to execute().
    for (let i = 0; i < 1000; i++) await expect(model.execute(new Float32Array(5), 1)).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(afterLoad);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('inspectModel loads, reports and frees', async () => {
    const before = tf.memory().numTensors;
    const info = await inspectModel(shippedModelDir('order-value'), { expectedInputShape: [4] });
    expect(info).toMatchObject({ format: 'layers', inputShape: [4], outputSize: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to predict once disposed', async () => {
    const model = await loadModel(shippedModelDir('order-value'));
    model.dispose();
    expect(model.isDisposed).toBe(true);
    await expect(model.predict(new Float32Array(4), 1)).rejects.toThrow('disposed');
  });

  it('dynamic batching (opt-in) coalesces concurrent calls with results identical to unbatched ones', async () => {
    const batches: number[][] = [];
    const batched = await loadModel(shippedModelDir('sensor-anomaly'), {
      batching: { maxBatch: 64, maxDelayUs: 2000, onBatch: (rows, requests) => batches.push([rows, requests]) },
    });
    try {
      expect(batched.info.batching).toEqual({ maxBatch: 64, maxDelayUs: 2000 });
      const rows = Array.from({ length: 40 }, (_, i) => Float32Array.from([10 + i, 20 + i * 2, 980 + i * 3]));
      const expected = await Promise.all(rows.map((row) => sensor.predict(row, 1)));
      const before = tf.memory().numTensors;
      const actual = await Promise.all(rows.map((row) => batched.predict(row, 1)));
      expect(actual).toEqual(expected);
      expect(batches.length).toBeLessThan(rows.length);
      expect(batches.reduce((n, [r]) => n + r, 0)).toBe(40);
      // a bad request is refused before it joins a batch; its neighbours are unaffected
      const mixed = await Promise.allSettled([batched.predict(rows[0], 1), batched.predict(Float32Array.from([NaN, 1, 2]), 1), batched.predict(rows[1], 1)]);
      expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      batched.dispose();
    }
  });
});
