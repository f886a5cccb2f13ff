import type { DenseActivation, DenseLayer } from './dense-chain.js';

/**
 * Whose kernels the fast path copies: how they round a Dense layer's `x · kernel + bias` and what
 * their relu makes of NaN. Copied exactly, the results match TF.js's bit for bit where they can:
 * - `xnnpack` (the wasm backend): every product and every sum is rounded to float32, in input
 *   order, the accumulator starting at the bias when TF.js fuses it into the matMul (relu and
 *   linear layers), else at 0 with the bias added after; relu is a clamp that turns NaN into 0.
 * - `tfjs-cpu` (the cpu backend): products summed in float64 over blocks of 48 inputs, each block's
 *   sum added to a float32 result, then the bias added in float32; relu is Math.max (NaN stays).
 * Which one a backend matches is not assumed: the verifier tries both (see dense-verify.ts).
 */
export type DenseNumerics = 'xnnpack' | 'tfjs-cpu';

/** rows × inDim values in (row-major), rows × outDim values out (a new array per call). */
export type DenseForward = (input: Float32Array, rows: number) => Float32Array;

/** The cpu backend's matMul block size (tfjs-backend-cpu `backend.blockSize`). */
const CPU_BLOCK = 48;

/**
 * A plain JavaScript forward pass over the chain: per row, per layer, matMul + bias + activation,
 * in scratch buffers reused across calls (so one forward pass must finish before the next starts:
 * it is synchronous, so it always does). Rows never mix: a row's result does not depend on the
 * others in its batch.
 */
export function denseForward(layers: readonly DenseLayer[], numerics: DenseNumerics): DenseForward {
  const inDim = layers[0].inDim;
  const outDim = layers[layers.length - 1].units;
  const widest = Math.max(...layers.map((layer) => layer.units));
  const scratch = [new Float32Array(widest), new Float32Array(widest)];
  const sums = new Float64Array(widest);
  const xnnpack = numerics === 'xnnpack';
  const affine = xnnpack
    ? affineFloat32
    : (x: Float32Array, offset: number, layer: DenseLayer, out: Float32Array) =>
        affineFloat64Blocked(x, offset, layer, out, sums);
  return (input, rows) => {
    if (input.length !== rows * inDim) throw new Error(`${input.length} values do not fit ${rows} rows of ${inDim}`);
    const output = new Float32Array(rows * outDim);
    for (let r = 0; r < rows; r++) {
      let x = input;
      let offset = r * inDim;
      for (let l = 0; l < layers.length; l++) {
        const out = scratch[l & 1];
        affine(x, offset, layers[l], out);
        activate(layers[l].activation, out, layers[l].units, sums, xnnpack);
        x = out;
        offset = 0;
      }
      output.set(x.subarray(0, outDim), r * outDim);
    }
    return output;
  };
}

/** TF.js layers runs these as one fused matMul with the bias; other activations get a matMul, then a biasAdd. */
const FUSED = new Set<DenseActivation>(['linear', 'relu']);

/** out = x · kernel + bias in float32 steps (a Float32Array store rounds; fround rounds the product first). */
function affineFloat32(x: Float32Array, offset: number, layer: DenseLayer, out: Float32Array): void {
  const { inDim, units, kernel, bias, activation } = layer;
  const biasFirst = bias !== null && FUSED.has(activation);
  if (biasFirst) out.set(bias);
  else out.fill(0, 0, units);
  for (let k = 0; k < inDim; k++) {
    const xk = x[offset + k];
    const row = k * units;
    for (let j = 0; j < units; j++) out[j] += Math.fround(xk * kernel[row + j]);
  }
  if (bias && !biasFirst) for (let j = 0; j < units; j++) out[j] += bias[j];
}

/**
 * out = x · kernel + bias as the cpu backend does it: float64 sums per block, float32 between blocks and for the bias.
 */
function affineFloat64Blocked(
  x: Float32Array,
  offset: number,
  layer: DenseLayer,
  out: Float32Array,
  sums: Float64Array,
): void {
  const { inDim, units, kernel, bias } = layer;
  out.fill(0, 0, units);
  for (let k0 = 0; k0 < inDim; k0 += CPU_BLOCK) {
    sums.fill(0, 0, units);
    const end = Math.min(k0 + CPU_BLOCK, inDim);
    for (let k = k0; k < end; k++) {
      const xk = x[offset + k];
      const row = k * units;
      for (let j = 0; j < units; j++) sums[j] += xk * kernel[row + j];
    }
    for (let j = 0; j < units; j++) out[j] += sums[j];
  }
  if (bias) for (let j = 0; j < units; j++) out[j] += bias[j];
}

/** The activation in place over v[0..n), each step rounded to float32 as TF.js's ops do. */
function activate(
  activation: DenseActivation,
  v: Float32Array,
  n: number,
  exps: Float64Array,
  clampNaN: boolean,
): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      if (clampNaN) for (let j = 0; j < n; j++) v[j] = v[j] > 0 ? v[j] : 0;
      else for (let j = 0; j < n; j++) v[j] = Math.max(0, v[j]);
      return;
    case 'sigmoid':
      for (let j = 0; j < n; j++) v[j] = 1 / (1 + Math.exp(-v[j]));
      return;
    case 'tanh':
      for (let j = 0; j < n; j++) v[j] = Math.tanh(v[j]);
      return;
    case 'softmax':
      return softmax(v, n, exps);
  }
}

/** TF.js's softmax: exp(v - max) / sum, each op rounded to float32; a NaN anywhere makes the max NaN. */
function softmax(v: Float32Array, n: number, exps: Float64Array): void {
  let max = v[0];
  for (let j = 1; j < n; j++) if (Number.isNaN(v[j]) || v[j] > max) max = v[j];
  let sum = 0;
  for (let j = 0; j < n; j++) {
    exps[j] = Math.fround(Math.exp(Math.fround(v[j] - max)));
    sum += exps[j];
  }
  const total = Math.fround(sum);
  for (let j = 0; j < n; j++) v[j] = exps[j] / total;
}
