import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { loadModel } from './load-model.js';
import type { LoadedModel } from './loaded-model.js';
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
    expect(sensor.info).toMatchObject({
      format: 'layers',
      inputShape: [3],
      inputDtype: 'float32',
      rowSize: 3,
      outputSize: 2,
      backend: 'cpu',
    });
    expect(orders.info).toMatchObject({
      format: 'layers',
      inputShape: [4],
      inputDtype: 'float32',
      rowSize: 4,
      outputSize: 1,
    });
    expect(sensor.info.sizeBytes).toBeGreaterThan(0);
  });

  it('reports the input name the artifact declares, the same on every load in a process', async () => {
    // TF.js makes layer names unique per process: a second load is named `..._input_1` by TF.js.
    const again = await loadModel(shippedModelDir('sensor-anomaly'));
    try {
      expect(again.info.inputName).toBe(sensor.info.inputName);
      expect(sensor.info.inputName).toMatch(/_input$/);
    } finally {
      again.dispose();
    }
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

  it('leaks no tensor over 1000 good and 1000 failing predictions', async () => {
    const before = tf.memory().numTensors;
    const good = Float32Array.from([...NORMAL, ...HOT, ...NORMAL]);
    for (let i = 0; i < 1000; i++) {
      const out = await sensor.predict(good, 3);
      expect(out).toHaveLength(6);
    }
    expect(tf.memory().numTensors).toBe(before);
    // Rows are validated before they reach the model (the API's input-rows); a length that does
    // not fit [rows, ...inputShape] is refused by TF.js inside the pass, and still leaks nothing.
    const bad = [
      () => sensor.predict(Float32Array.from([1, 2]), 1),
      () => sensor.predict(good, 2),
      () => sensor.predict(good, -1),
    ];
    for (let i = 0; i < 1000; i++) await expect(bad[i % bad.length]()).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensor when the forward pass itself throws', async () => {
    const before = tf.memory().numTensors;
    const model = await loadModel(shippedModelDir('order-value'));
    const afterLoad = tf.memory().numTensors;
    // Force a failure inside the pass: a length that does not fit the input shape.
    for (let i = 0; i < 1000; i++) await expect(model.predict(new Float32Array(5), 1)).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(afterLoad);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to predict once disposed', async () => {
    const model = await loadModel(shippedModelDir('order-value'));
    model.dispose();
    await expect(model.predict(new Float32Array(4), 1)).rejects.toThrow('disposed');
  });
});
