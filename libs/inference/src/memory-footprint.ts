import * as tf from '@tensorflow/tfjs';

/*
 * How a version's resident bytes are measured at load, for the memory budget
 * (INFERENCE_MEMORY_BUDGET_MB; docs/serving.md#memory-budget-and-residency):
 * - TF.js: the growth of the backend's tensor bytes (tf.memory().numBytes) over reading the
 *   weights, plus the warm-up's working set: the peak of tensor bytes while the warm-up batches run
 *   (tf.profile's peakBytes) above where it started. Loads run one at a time under a budget, so
 *   the growth is this version's.
 * - ONNX: per worker (each holds its own session), the file's bytes (the session's copy of the
 *   weights) plus the largest warm-up run's input and output tensor bytes. ONNX Runtime's native
 *   arena is not visible from JavaScript, so this is a floor of what the session holds.
 */

/** Inputs of the largest warm-up batch stay within this many bytes (a 224×224×3 image is 588 KiB a row). */
const WARMUP_INPUT_LIMIT_BYTES = 64 * 1024 * 1024;

/** The batcher's largest batch, when its all-zero input fits the warm-up's limit; else 1. */
export function largestWarmupBatch(rowSize: number, options: { warmupBatch?: number }): number {
  const batch = Math.max(1, Math.floor(options.warmupBatch ?? 1));
  return batch * rowSize * 4 <= WARMUP_INPUT_LIMIT_BYTES ? batch : 1;
}

/** Bytes of tensors alive on the TF.js backend now. */
export const tfjsBytesInUse = (): number => tf.memory().numBytes;

/** The peak tensor bytes `work` adds on the TF.js backend while it runs. */
export async function tfjsWorkingSet(work: () => Promise<void>): Promise<number> {
  const start = tf.memory().numBytes;
  const profile = await tf.profile(work);
  // No kernel ran (nothing to measure): peakBytes is -Infinity.
  return Number.isFinite(profile.peakBytes) ? Math.max(0, profile.peakBytes - start) : 0;
}
