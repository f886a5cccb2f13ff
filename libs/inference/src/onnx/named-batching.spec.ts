import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ModelServer } from '../model-server.js';
import { mulberry32 } from '../seeded-random.js';
import { onnxFixture } from '../testing/paths.js';
import type { NamedInput } from './onnx-feeds.js';

/** Every executed batch of the batching server: how many calls it held. */
const batches: number[] = [];
// A wide delay so that concurrent calls from one event-loop turn surely meet in one batch.
const batched = new ModelServer({
  maxBatch: 64,
  maxDelayUs: 2000,
  onnx: { workers: 1 },
  observer: { onBatch: (_key, _rows, requests) => batches.push(requests) },
});
const alone = new ModelServer({ maxBatch: 1, maxDelayUs: 0, onnx: { workers: 1 } });

/** A V2 call on two-inputs.onnx (y = x * scale): `rows` rows of float32 x [rows, 2] and int64 scale [rows, 1]. */
function call(rows: number, seed: number): NamedInput[] {
  const random = mulberry32(seed);
  return [
    { name: 'x', shape: [rows, 2], datatype: 'FP32', data: Array.from({ length: rows * 2 }, () => random() * 10 - 5) },
    { name: 'scale', shape: [rows, 1], datatype: 'INT64', data: Array.from({ length: rows }, (_, i) => i - seed) },
  ];
}

/**
 * V2 named tensors on an ONNX model that batches go through the dynamic batcher: concurrent calls
 * are concatenated per named input along dimension 0 (float32 and int64 alike), run once, and
 * split back, and each caller gets exactly what an unbatched call returns.
 */
describe('V2 named tensors through the dynamic batcher', () => {
  beforeAll(async () => {
    await batched.load('two@1', onnxFixture('two-inputs'));
    await alone.load('two@1', onnxFixture('two-inputs'));
    await batched.load('ids@1', onnxFixture('int64-identity'));
  });
  afterAll(() => {
    batched.close();
    alone.close();
  });

  it('coalesces concurrent multi-input calls and answers each what an unbatched call answers', async () => {
    expect(batched.info('two@1')?.tensors?.batching).toBe(true);
    const calls = Array.from({ length: 16 }, (_, i) => call(1 + (i % 5), i));
    batches.length = 0;
    const together = await Promise.all(calls.map((inputs) => batched.infer('two@1', inputs)));
    const one = await Promise.all(calls.map((inputs) => alone.infer('two@1', inputs)));
    expect(Math.max(...batches)).toBeGreaterThan(1);
    expect(together).toEqual(one);
    // y = x * scale checks the split itself: every call got its own rows, in order.
    together.forEach((outputs, i) => {
      const [x, scale] = calls[i];
      const expected = (x.data as number[]).map((v, j) => Math.fround(v) * (scale.data as number[])[j >> 1]);
      expect(outputs?.[0].shape).toEqual([x.shape[0], 2]);
      outputs?.[0].data.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 4));
    });
  });

  it('runs alone a call whose inputs disagree on the batch (broadcast) and fails a bad call alone', async () => {
    const broadcast: NamedInput[] = [
      { name: 'x', shape: [2, 2], data: [1, 2, 3, 4] },
      { name: 'scale', shape: [1, 1], data: [3] },
    ];
    const bad: NamedInput[] = [call(1, 1)[0], { name: 'scale', shape: [1, 1], data: [1.5] }];
    const results = await Promise.allSettled([
      batched.infer('two@1', call(2, 3)),
      batched.infer('two@1', broadcast),
      batched.infer('two@1', bad),
      batched.infer('two@1', call(3, 4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ value: [{ name: 'y', shape: [2, 2], data: [3, 6, 9, 12] }] });
    expect(results[0]).toEqual({ status: 'fulfilled', value: await alone.infer('two@1', call(2, 3)) });
  });

  it('concatenates int64 tensors exactly', async () => {
    const ids = (rows: number, base: number): NamedInput[] => [
      { name: 'ids', shape: [rows, 2], data: Array.from({ length: rows * 2 }, (_, i) => base + i) },
    ];
    const big = Number.MAX_SAFE_INTEGER - 100;
    const answers = await Promise.all([1, 2, 3].map((rows, i) => batched.infer('ids@1', ids(rows, big + i * 10))));
    answers.forEach((outputs, i) => expect(outputs?.[0].data).toEqual(ids(i + 1, big + i * 10)[0].data));
  });
});
