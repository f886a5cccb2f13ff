import type * as tf from '@tensorflow/tfjs';
import { readDenseChain } from './dense-chain.js';
import { denseForward, type DenseForward, type DenseNumerics } from './dense-fast-path.js';
import { messageOf } from './errors.js';
import { mulberry32 } from './seeded-random.js';

/** The TF.js forward pass the fast path is checked against. */
export type ReferenceForward = (input: Float32Array, rows: number) => Promise<Float32Array>;

/** The largest difference accepted: absolute, or relative to the TF.js value when that is above 1. */
export const FAST_PATH_TOLERANCE = 1e-6;

export type Verdict = { agrees: true; maxError: number } | { agrees: false; reason: string };

/** The outcome of planning: a verified forward pass, or why the model stays on TF.js. */
export type FastPathPlan =
  { forward: DenseForward; numerics: DenseNumerics; maxError: number; probeRows: number } | { refused: string };

/** Magnitudes the random probe rows are drawn at: tiny to near float32's limit, where sums overflow. */
const MAGNITUDES = [1e-4, 1e-2, 0.5, 1, 4, 30, 300, 3e3, 1e5, 1e8, 1e15, 1e30, 3e38];
const ROWS_PER_MAGNITUDE = 24;
/** Rows also run one at a time on both sides: a batch of one may take other kernels than a big batch. */
const SINGLE_ROWS = 8;

/**
 * The fixed probe set: zeros (the warm-up row), ones, minus ones, then seeded pseudo-random rows of
 * mixed signs at each magnitude. Deterministic, so a model verifies the same way on every load.
 */
export function probeRows(rowSize: number): { values: Float32Array; rows: number } {
  const rows = 3 + MAGNITUDES.length * ROWS_PER_MAGNITUDE;
  const values = new Float32Array(rows * rowSize);
  values.fill(1, rowSize, 2 * rowSize);
  values.fill(-1, 2 * rowSize, 3 * rowSize);
  const random = mulberry32(0x5eed);
  let i = 3 * rowSize;
  for (const magnitude of MAGNITUDES) {
    for (let n = 0; n < ROWS_PER_MAGNITUDE * rowSize; n++) values[i++] = (random() * 2 - 1) * magnitude;
  }
  return { values, rows };
}

/**
 * Whether `actual` matches `expected` within the tolerance;
 * non-finite values must be the same (NaN for NaN, Inf for Inf).
 */
function errorOf(actual: number, expected: number): number {
  if (!Number.isFinite(expected) || !Number.isFinite(actual))
    return Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)) ? 0 : Infinity;
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}

function compare(actual: Float32Array, expected: Float32Array, what: string): Verdict {
  if (actual.length !== expected.length)
    return { agrees: false, reason: `${what}: ${actual.length} values, TF.js gave ${expected.length}` };
  let maxError = 0;
  for (let i = 0; i < actual.length; i++) {
    const error = errorOf(actual[i], expected[i]);
    if (!(error <= FAST_PATH_TOLERANCE))
      return { agrees: false, reason: `${what}: value ${i} is ${actual[i]}, TF.js gave ${expected[i]}` };
    maxError = Math.max(maxError, error);
  }
  return { agrees: true, maxError };
}

/**
 * Runs `candidate` and TF.js on the probe set, as one batch and row by row for the first rows,
 * and accepts it only if every value agrees (see FAST_PATH_TOLERANCE).
 */
export async function verifyForward(
  candidate: DenseForward,
  reference: ReferenceForward,
  rowSize: number,
): Promise<Verdict> {
  const probes = probeRows(rowSize);
  let verdict = compare(
    candidate(probes.values, probes.rows),
    await reference(probes.values, probes.rows),
    `a batch of ${probes.rows} probe rows`,
  );
  for (let r = 0; r < SINGLE_ROWS && verdict.agrees; r++) {
    const row = probes.values.subarray(r * rowSize, (r + 1) * rowSize);
    const single = compare(candidate(row, 1), await reference(row, 1), `probe row ${r} alone`);
    verdict = single.agrees ? { agrees: true, maxError: Math.max(verdict.maxError, single.maxError) } : single;
  }
  return verdict;
}

/**
 * Plans the dense fast path for a loaded model: its Dense chain, then each way of rounding (the
 * backend's known one first) until one agrees with TF.js on the probe set. Never throws: any
 * failure is a refusal, and the model runs on TF.js.
 */
export async function planDenseFastPath(
  model: tf.LayersModel | tf.GraphModel,
  backend: string,
  reference: ReferenceForward,
): Promise<FastPathPlan> {
  try {
    const chain = readDenseChain(model);
    if ('refused' in chain) return chain;
    const order: DenseNumerics[] = backend === 'cpu' ? ['tfjs-cpu', 'xnnpack'] : ['xnnpack', 'tfjs-cpu'];
    const reasons: string[] = [];
    for (const numerics of order) {
      const forward = denseForward(chain.layers, numerics);
      const verdict = await verifyForward(forward, reference, chain.layers[0].inDim);
      if (verdict.agrees)
        return { forward, numerics, maxError: verdict.maxError, probeRows: probeRows(chain.layers[0].inDim).rows };
      reasons.push(`${numerics}: ${verdict.reason}`);
    }
    return { refused: `disagrees with TF.js (${reasons.join('; ')})` };
  } catch (error) {
    return { refused: `verification failed: ${messageOf(error)}` };
  }
}
