import * as tf from '@tensorflow/tfjs';
import { expect } from '@jest/globals';
import fc from 'fast-check';

/**
 * Asserts each fast-path value is within 1e-6 of TF.js's (absolute, or relative above 1) and each
 * non-finite one is the same (NaN for NaN, Inf for Inf of the same sign); returns the largest
 * error. Written apart from the verifier's own comparison on purpose: the tests check the verifier.
 */
export function expectAgreement(actual: Float32Array, expected: Float32Array): number {
  expect(actual).toHaveLength(expected.length);
  let largest = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!Number.isFinite(expected[i])) {
      if (Number.isNaN(expected[i])) expect(actual[i]).toBeNaN();
      else expect(actual[i]).toBe(expected[i]);
      continue;
    }
    const error = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(error <= 1e-6)) throw new Error(`value ${i}: ${actual[i]} against TF.js ${expected[i]} (error ${error})`);
    largest = Math.max(largest, error);
  }
  return largest;
}

const WIDE = Math.fround(1e30);

/** Rows of `size` finite float32 values, tiny to huge, of either sign. */
export const rowsOf = (size: number, maxRows = 200) =>
  fc
    .array(
      fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -WIDE, max: WIDE }), {
        minLength: size,
        maxLength: size,
      }),
      { minLength: 1, maxLength: maxRows },
    )
    .map((rows) => ({ values: Float32Array.from(rows.flat()), rows: rows.length }));

/** TF.js's own predict on a layers model, as a reference forward pass. */
export function tfjsForward(model: tf.LayersModel) {
  const rowShape = model.inputs[0].shape.slice(1) as number[];
  return async (input: Float32Array, rows: number): Promise<Float32Array> => {
    const y = tf.tidy(() => model.predict(tf.tensor(input, [rows, ...rowShape])) as tf.Tensor);
    try {
      return (await y.data()) as Float32Array;
    } finally {
      y.dispose();
    }
  };
}
