import { afterAll, describe, expect, it } from '@jest/globals';
import { ModelServer } from '../model-server.js';
import { mulberry32 } from '../seeded-random.js';
import { PPOCR_CLS, SILERO_VAD as SILERO, directRun } from '../testing/onnx-direct.js';

const server = new ModelServer({ maxBatch: 16, maxDelayUs: 0, onnx: { workers: 1, threadsPerSession: 1 } });
const random = mulberry32(19);
const noise = (count: number) => Float32Array.from({ length: count }, () => random() * 2 - 1);

describe('third-party ONNX models through the worker pool equal ONNX Runtime run directly', () => {
  afterAll(() => server.close());

  it('PP-OCR text-direction classifier: batches, and /predict rows equal a direct run', async () => {
    const info = await server.load('cls@1', PPOCR_CLS, { inputShape: [3, 48, 192] });
    expect(info).toMatchObject({ inputShape: [3, 48, 192], outputSize: 2, tensors: { batching: true } });
    const input = noise(2 * 3 * 48 * 192);
    const served = await server.predict('cls@1', input, 2);
    const direct = directRun(PPOCR_CLS, { x: ['float32', [2, 3, 48, 192], Array.from(input)] });
    expect(Array.from(served!.values)).toEqual(direct);
  });

  it('Silero VAD: several named inputs and an int64 scalar through infer, equal a direct run', async () => {
    const info = await server.load('vad@1', SILERO, { inputShape: [512] });
    expect(info.tensors?.inputs.map((i) => [i.name, i.type, i.shape])).toEqual([
      ['input', 'float32', [-1, -1]],
      ['state', 'float32', [2, -1, 128]],
      ['sr', 'int64', []],
    ]);
    expect(info.tensors?.batching).toBe(false);
    const audio = noise(512);
    const outputs = await server.infer('vad@1', [
      { name: 'input', shape: [1, 512], datatype: 'FP32', data: Array.from(audio) },
      { name: 'state', shape: [2, 1, 128], datatype: 'FP32', data: new Array(256).fill(0) },
      { name: 'sr', shape: [], datatype: 'INT64', data: [16000] },
    ]);
    const direct = directRun(SILERO, {
      input: ['float32', [1, 512], Array.from(audio)],
      state: ['float32', [2, 1, 128], new Array<number>(256).fill(0)],
      sr: ['int64', [], [16000]],
    });
    expect(outputs?.map((o) => o.name)).toEqual(['output', 'stateN']);
    expect(outputs?.[0].data).toEqual(direct);
    expect(outputs?.[1].shape).toEqual([2, 1, 128]);
  });
});
