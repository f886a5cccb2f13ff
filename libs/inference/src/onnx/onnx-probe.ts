import { messageOf } from '../errors.js';
import { elementCount, wireBytes, zeros, type SessionProbe, type TensorSpec, type WireTensor } from './onnx-types.js';

export type SessionRun = (feeds: WireTensor[]) => Promise<WireTensor[]>;

/** All-zero feeds at batch `batch` (undefined: the first input's row as is), or why they cannot be made. */
function dummyFeeds(inputs: TensorSpec[], rowShape: number[], batch: number | undefined): WireTensor[] | string {
  const feeds: WireTensor[] = [];
  for (const [index, input] of inputs.entries()) {
    const rest = index === 0 ? rowShape : input.shape.slice(1);
    if (rest.some((d) => d < 0)) return `input '${input.name}' has dynamic dimensions besides the batch`;
    const dims = input.shape.length === 0 ? [] : [batch ?? (input.shape[0] < 0 ? 1 : input.shape[0]), ...rest];
    feeds.push({ name: input.name, type: input.type, dims, data: zeros(input.type, elementCount(dims)) });
  }
  return feeds;
}

const leadingIs = (outputs: WireTensor[], batch: number) => outputs.every((o) => o.dims[0] === batch);

/**
 * Trial runs on a fresh session, the way Triton's onnxruntime backend decides batching: a model
 * batches when every input and output has a dynamic leading dimension and all-zero runs at batch 1
 * and batch 2 succeed with that many rows out. The first successful run is the warm-up; one row of
 * the first input running at all is what /predict needs (row by row when the model does not batch).
 * A batching model also runs at `largestBatch` (the batcher's largest), so that size is warm too;
 * every run's tensor bytes give the working set.
 */
export async function probeSession(
  inputs: TensorSpec[],
  outputs: TensorSpec[],
  rowShape: number[],
  largestBatch: number,
  session: SessionRun,
): Promise<SessionProbe> {
  const started = performance.now();
  const probe: SessionProbe = {
    batching: false,
    batchingReason: '',
    rowRuns: false,
    outputSize: -1,
    warmupMs: 0,
    workingSetBytes: 0,
  };
  const run = async (feeds: WireTensor[]) => {
    const out = await session(feeds);
    probe.workingSetBytes = Math.max(probe.workingSetBytes, wireBytes(feeds) + wireBytes(out));
    return out;
  };
  const single = inputs.length === 1 && inputs[0].shape.length > 0 && inputs[0].shape[0] <= 1;
  const one = dummyFeeds(inputs, rowShape, undefined);
  if (typeof one !== 'string') {
    try {
      const out = await run(one);
      probe.warmupMs = performance.now() - started;
      if (single && leadingIs(out, 1)) {
        probe.rowRuns = true;
        probe.outputSize = out.reduce((n, o) => n + elementCount(o.dims), 0);
      }
    } catch (error) {
      probe.batchingReason = `a run at batch 1 failed: ${messageOf(error).split('\n')[0]}`;
      return probe;
    }
  }
  const fixed = [...inputs, ...outputs].find((value) => value.shape.length === 0 || value.shape[0] >= 0);
  if (fixed) {
    probe.batchingReason = `'${fixed.name}' has no dynamic leading dimension`;
    return probe;
  }
  if (typeof one === 'string') {
    probe.batchingReason = one;
    return probe;
  }
  const two = dummyFeeds(inputs, rowShape, 2) as WireTensor[];
  try {
    if (!leadingIs(await run(two), 2)) probe.batchingReason = 'a run at batch 2 did not answer 2 rows';
    else probe.batching = true;
  } catch (error) {
    probe.batchingReason = `a run at batch 2 failed: ${messageOf(error).split('\n')[0]}`;
  }
  // A failure here is the load's: the batcher would send this size.
  if (probe.batching && largestBatch > 2) await run(dummyFeeds(inputs, rowShape, largestBatch) as WireTensor[]);
  return probe;
}
