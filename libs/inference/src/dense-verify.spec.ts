import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readModelArtifacts } from './artifacts.js';
import { selectBackend } from './backend.js';
import { readDenseChain } from './dense-chain.js';
import { denseForward, type DenseForward } from './dense-fast-path.js';
import { planDenseFastPath, probeRows, verifyForward } from './dense-verify.js';
import { loadModel } from './load-model.js';
import type { LoadedModel } from './loaded-model.js';
import { ModelServer } from './model-server.js';
import { expectAgreement, tfjsForward } from './testing/agreement.js';
import { shippedModelDir } from './testing/paths.js';
import { saveLayersModel } from './testing/saved-model.js';

const dense = (units: number, extra: Record<string, unknown> = {}) =>
  tf.layers.dense({
    units,
    kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: units }),
    ...extra,
  });

function sequential(...layers: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential();
  layers.forEach((layer) => model.add(layer));
  return model;
}

/** Layers models the fast path must leave to TF.js, with the reason it gives. */
const UNSUPPORTED: [string, () => tf.LayersModel, RegExp][] = [
  [
    'a Dense with an elu activation',
    () => sequential(dense(8, { inputShape: [3], activation: 'elu' }), dense(2)),
    /activation "elu"/,
  ],
  [
    'a BatchNormalization between Dense layers',
    () => sequential(dense(8, { inputShape: [3] }), tf.layers.batchNormalization(), dense(2)),
    /is a BatchNormalization/,
  ],
  [
    'a Conv1D',
    () =>
      sequential(tf.layers.conv1d({ inputShape: [6, 1], filters: 2, kernelSize: 3 }), tf.layers.flatten(), dense(2)),
    /is a Conv1D/,
  ],
  ['a Dense over 2-D rows', () => sequential(dense(4, { inputShape: [5, 3] })), /takes input of shape/],
  [
    'two branches joined',
    () => {
      const input = tf.input({ shape: [3] });
      const joined = tf.layers
        .concatenate()
        .apply([dense(4).apply(input), dense(5).apply(input)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: dense(2).apply(joined) as tf.SymbolicTensor });
    },
    /not fed by the layer before it alone/,
  ],
];

describe('dense fast path: what it serves, what it refuses, and the switch', () => {
  let sensor: LoadedModel;

  beforeAll(async () => {
    await selectBackend('wasm'); // the production backend
    sensor = await loadModel(shippedModelDir('sensor-anomaly'));
  });

  afterAll(() => sensor.dispose());

  it.each(UNSUPPORTED)('leaves %s to TF.js, which still serves it', async (_, build, reason) => {
    const built = build();
    const loaded = await loadModel(await saveLayersModel(built));
    try {
      expect(loaded.info.executor).toBe('tfjs');
      expect(loaded.info.executorReason).toMatch(reason);
      const rows = new Float32Array(loaded.info.rowSize * 3).map((_, i) => i / 7 - 1);
      expect(await loaded.predict(rows, 3)).toEqual(await tfjsForward(built)(rows, 3));
    } finally {
      loaded.dispose();
      built.dispose();
    }
  });

  it('serves a functional chain with its InputLayer and a Dropout (an identity in inference)', async () => {
    const input = tf.input({ shape: [4] });
    const hidden = dense(16, { activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const built = tf.model({
      inputs: input,
      outputs: dense(3, { activation: 'softmax' }).apply(
        tf.layers.dropout({ rate: 0.5 }).apply(hidden),
      ) as tf.SymbolicTensor,
    });
    const loaded = await loadModel(await saveLayersModel(built));
    try {
      expect(loaded.info.executor).toBe('dense-js');
      const { values, rows } = probeRows(4);
      expectAgreement(await loaded.predict(values, rows), await loaded.predictOnTfjs(values, rows));
    } finally {
      loaded.dispose();
      built.dispose();
    }
  });

  describe('the verifier', () => {
    let model: tf.LayersModel;
    let exact: DenseForward;
    const reference = (input: Float32Array, rows: number) => sensor.predictOnTfjs(input, rows);

    beforeAll(async () => {
      const { artifacts } = await readModelArtifacts(shippedModelDir('sensor-anomaly'));
      model = await tf.loadLayersModel({ load: async () => artifacts });
      const chain = readDenseChain(model);
      if ('refused' in chain) throw new Error(chain.refused);
      exact = denseForward(chain.layers, 'xnnpack');
    });

    afterAll(() => {
      model.dispose();
    });

    /** The exact forward pass with one value of one row changed. */
    const tampered =
      (row: number, change: (value: number) => number): DenseForward =>
      (input, rows) => {
        const out = exact(input, rows);
        if (row < rows) out[row * 2] = change(out[row * 2]);
        return out;
      };

    it('accepts the exact forward pass, and a difference within 1e-6', async () => {
      expect(await verifyForward(exact, reference, 3)).toEqual({ agrees: true, maxError: 0 });
      const within = await verifyForward(
        tampered(100, (v) => v + 5e-7),
        reference,
        3,
      );
      expect(within.agrees).toBe(true);
    });

    it.each([
      ['off by 2e-6 on one probe row', tampered(100, (v) => v + 2e-6)],
      [
        'off by 2e-6 on the zero row alone',
        (input: Float32Array, rows: number) =>
          rows === 1 && input.every((v) => v === 0) ? tampered(0, (v) => v + 2e-6)(input, rows) : exact(input, rows),
      ],
      ['NaN where TF.js is finite', tampered(7, () => NaN)],
      [
        'finite where TF.js is not, or the wrong infinity',
        (input: Float32Array, rows: number) =>
          exact(input, rows).map((v) => (Number.isNaN(v) ? 0 : v === Infinity ? -Infinity : v)),
      ],
      ['one value short', (input: Float32Array, rows: number) => exact(input, rows).subarray(1)],
    ] as [string, DenseForward][])('refuses a forward pass %s', async (_, wrong) => {
      const verdict = await verifyForward(wrong, reference, 3);
      expect(verdict.agrees).toBe(false);
    });

    it('refuses the plan when neither way of rounding agrees with TF.js, and never throws', async () => {
      const skewed = async (input: Float32Array, rows: number) => (await reference(input, rows)).map((v) => v * 1.001);
      const plan = await planDenseFastPath(model, 'wasm', skewed);
      expect('refused' in plan && plan.refused).toMatch(/^disagrees with TF.js \(xnnpack: .*; tfjs-cpu: .*\)$/);
      const failing = await planDenseFastPath(model, 'wasm', () => Promise.reject(new Error('backend lost')));
      expect(failing).toEqual({ refused: 'verification failed: backend lost' });
    });
  });

  it('is off with fastPath off, through loadModel and ModelServer (INFERENCE_FAST_PATH=off)', async () => {
    const off = await loadModel(shippedModelDir('sensor-anomaly'), { fastPath: 'off' });
    const server = new ModelServer({ maxBatch: 1, maxDelayUs: 0, fastPath: 'off' });
    try {
      expect(off.info).toMatchObject({ executor: 'tfjs', executorReason: 'fast path off' });
      expect((await server.load('sensor@1', shippedModelDir('sensor-anomaly'))).executor).toBe('tfjs');
      expect(
        (await new ModelServer({ maxBatch: 1, maxDelayUs: 0 }).inspect(shippedModelDir('sensor-anomaly'))).executor,
      ).toBe('dense-js');
    } finally {
      off.dispose();
      server.close();
    }
  });

  it('refuses predict once disposed, on the fast path too', async () => {
    const loaded = await loadModel(shippedModelDir('sensor-anomaly'));
    expect(loaded.info.executor).toBe('dense-js');
    loaded.dispose();
    await expect(loaded.predict(new Float32Array(3), 1)).rejects.toThrow('disposed');
  });
});
