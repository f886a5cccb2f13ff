import type { NamedTensorRunner } from '../loaded-model.js';
import { elementCount, type TensorData, type WireTensor } from './onnx-types.js';

/**
 * Named-tensor (V2) batching for ONNX models that batch: several calls' feeds concatenated along
 * dimension 0 per input, one run, the outputs split back by each call's rows. The main thread
 * only moves typed arrays; the forward pass stays in the worker.
 */

/**
 * The rows of a call that can join a batch: every input has the same leading dimension n ≥ 1. A call
 * whose inputs disagree there (ONNX broadcasting lets [2, 2] × [1, 1] run alone) runs unbatched.
 */
export function batchRows(feeds: readonly WireTensor[]): number | undefined {
  const rows = feeds[0]?.dims[0];
  if (rows === undefined || rows < 1) return undefined;
  return feeds.every((feed) => feed.dims.length > 0 && feed.dims[0] === rows) ? rows : undefined;
}

/** Calls may share a batch only when every input's trailing dimensions match (e.g. one sequence length). */
export function batchGroup(feeds: readonly WireTensor[]): string {
  return feeds.map((feed) => feed.dims.slice(1).join('x')).join('|');
}

function concatData(parts: readonly TensorData[]): TensorData {
  if (Array.isArray(parts[0])) return (parts as string[][]).flat();
  const total = parts.reduce((n, part) => n + part.length, 0);
  const Typed = parts[0].constructor as new (length: number) => Exclude<TensorData, string[]>;
  const out = new Typed(total);
  let offset = 0;
  for (const part of parts as Exclude<TensorData, string[]>[]) {
    (out as Float32Array).set(part as Float32Array, offset);
    offset += part.length;
  }
  return out;
}

/** One feed per input: the calls' feeds (same group) concatenated along dimension 0. */
export function concatFeeds(calls: readonly WireTensor[][], rows: number): WireTensor[] {
  return calls[0].map((first, input) => ({
    name: first.name,
    type: first.type,
    dims: [rows, ...first.dims.slice(1)],
    data: concatData(calls.map((feeds) => feeds[input].data)),
  }));
}

/**
 * Each call's outputs: every output's rows [offset, offset + rows) of the batch run. Undefined when
 * an output does not answer one row per input row (then the calls must run alone).
 */
export function splitOutputs(outputs: readonly WireTensor[], callRows: readonly number[]): WireTensor[][] | undefined {
  const total = callRows.reduce((a, b) => a + b, 0);
  if (!outputs.every((output) => output.dims[0] === total)) return undefined;
  let start = 0;
  return callRows.map((rows) => {
    const part = outputs.map((output) => {
      const perRow = elementCount(output.dims) / total;
      return {
        name: output.name,
        type: output.type,
        dims: [rows, ...output.dims.slice(1)],
        data: output.data.slice(start * perRow, (start + rows) * perRow),
      };
    });
    start += rows;
    return part;
  });
}

/**
 * Runs several calls' feeds (same group) as one batch on `runner` and answers each call with its own
 * outputs. A batch whose outputs do not answer one row per input row (the probe saw batch 1 and 2
 * only) is run again call by call rather than split wrongly.
 */
export async function runNamedBatch(
  runner: NamedTensorRunner,
  calls: readonly WireTensor[][],
  rows: number,
): Promise<WireTensor[][]> {
  if (calls.length === 1) return [await runner.run(calls[0])];
  const split = splitOutputs(
    await runner.run(concatFeeds(calls, rows)),
    calls.map((feeds) => feeds[0].dims[0]),
  );
  return split ?? (await Promise.all(calls.map((feeds) => runner.run(feeds))));
}
