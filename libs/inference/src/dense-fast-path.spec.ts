import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { selectBackend } from './backend.js';
import type { DenseActivation } from './dense-chain.js';
import { planDenseFastPath } from './dense-verify.js';
import { loadModel } from './load-model.js';
import type { LoadedModel } from './loaded-model.js';
import { expectAgreement, rowsOf, tfjsForward } from './testing/agreement.js';
import { shippedModelDir } from './testing/paths.js';

const ACTIVATIONS: DenseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];
const APPROXIMATE_ON_WASM = new Set<DenseActivation>(['sigmoid', 'tanh', 'softmax']);

/** The kernels each backend is known to use (dense-fast-path.ts); the verifier finds it on its own. */
const EXPECTED_NUMERICS = { wasm: 'xnnpack', cpu: 'tfjs-cpu' } as const;

/**
 * A random chain of Dense layers: sizes past the cpu backend's 48-input block, every activation, with and without bias.
 */
const chainSpec = fc.record({
  inDim: fc.integer({ min: 1, max: 60 }),
  layers: fc.array(
    fc.record({
      units: fc.integer({ min: 1, max: 64 }),
      activation: fc.constantFrom(...ACTIVATIONS),
      useBias: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

type ChainSpec = typeof chainSpec extends fc.Arbitrary<infer T> ? T : never;

function buildChain({ inDim, layers, seed }: ChainSpec): tf.Sequential {
  const model = tf.sequential();
  layers.forEach(({ units, activation, useBias }, i) => {
    const init = (offset: number) =>
      tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: seed + 2 * i + offset });
    model.add(
      tf.layers.dense({
        units,
        activation,
        useBias,
        kernelInitializer: init(0),
        biasInitializer: init(1),
        ...(i === 0 ? { inputShape: [inDim] } : {}),
      }),
    );
  });
  return model;
}

describe.each(['wasm', 'cpu'] as const)('dense fast path on the %s backend', (backend) => {
  const models: Record<'sensor' | 'orders', LoadedModel> = {} as never;
  let largestError = 0;

  beforeAll(async () => {
    await selectBackend(backend);
    models.sensor = await loadModel(shippedModelDir('sensor-anomaly'));
    models.orders = await loadModel(shippedModelDir('order-value'));
  });

  afterAll(() => {
    Object.values(models).forEach((model) => model.dispose());
  });

  it('serves both shipped models, verified against TF.js with the numerics of this backend', () => {
    for (const model of Object.values(models)) {
      expect(model.info).toMatchObject({ executor: 'dense-js', backend });
      expect(model.info.executorReason).toMatch(
        new RegExp(`^${EXPECTED_NUMERICS[backend]} numerics, max error \\S+ over \\d+ probe rows$`),
      );
    }
  });

  it.each(['sensor', 'orders'] as const)(
    'agrees with TF.js on the shipped %s model for arbitrary batches of 1..200 rows',
    async (name) => {
      const model = models[name];
      await fc.assert(
        fc.asyncProperty(rowsOf(model.info.rowSize), async ({ values, rows }) => {
          largestError = Math.max(
            largestError,
            expectAgreement(await model.predict(values, rows), await model.predictOnTfjs(values, rows)),
          );
        }),
        { numRuns: 60 },
      );
    },
  );

  it('gives each row the same result alone as within any batch', async () => {
    for (const model of Object.values(models)) {
      const { rowSize, outputSize } = model.info;
      await fc.assert(
        fc.asyncProperty(rowsOf(rowSize, 40), async ({ values, rows }) => {
          const batched = await model.predict(values, rows);
          for (let r = 0; r < rows; r++) {
            const alone = await model.predict(values.slice(r * rowSize, (r + 1) * rowSize), 1);
            expect(batched.subarray(r * outputSize, (r + 1) * outputSize)).toEqual(alone);
          }
        }),
        { numRuns: 30 },
      );
    }
  });

  // The cpu backend's kernels are plain JavaScript and copied exactly: every chain verifies. The wasm
  // backend's sigmoid, tanh and softmax are XNNPACK approximations (up to 1 ulp from the exact
  // value); as a last layer that is far inside 1e-6, but a later layer can amplify it past 1e-6,
  // and then the verifier must refuse (TF.js serves). Whatever is verified agrees on fresh rows.
  it('verifies random Dense chains with every supported activation; what it verifies agrees with TF.js', async () => {
    await fc.assert(
      fc.asyncProperty(chainSpec, rowsOf(60, 50), async (spec, batch) => {
        const model = buildChain(spec);
        try {
          const reference = tfjsForward(model);
          const plan = await planDenseFastPath(model, backend, reference);
          const approximateInside = spec.layers.slice(0, -1).some((layer) => APPROXIMATE_ON_WASM.has(layer.activation));
          if ('refused' in plan) {
            expect(plan.refused).toMatch(/^disagrees with TF.js/);
            expect(backend === 'wasm' && approximateInside).toBe(true);
            return;
          }
          const rows = batch.values.subarray(0, batch.rows * spec.inDim);
          largestError = Math.max(
            largestError,
            expectAgreement(plan.forward(rows, batch.rows), await reference(rows, batch.rows)),
          );
        } finally {
          model.dispose();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('never exceeded the tolerance in any of the above', () => {
    // Printed for the record: the largest difference from TF.js seen across the properties.
    process.stdout.write(`dense fast path on ${backend}: largest error against TF.js ${largestError}\n`);
    expect(largestError).toBeLessThanOrEqual(1e-6);
  });
});
