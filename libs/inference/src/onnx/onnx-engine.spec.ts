import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from '../backend.js';
import { ModelLoadError, TensorValueError } from '../errors.js';
import { ModelServer } from '../model-server.js';
import { mulberry32 } from '../seeded-random.js';
import { onnxFixture, shippedModelDir, tempDir } from '../testing/paths.js';

const server = new ModelServer({ maxBatch: 64, maxDelayUs: 0, fastPath: 'off', onnx: { workers: 1 } });
const rows = (count: number, width: number, scale: number[]) => {
  const random = mulberry32(23);
  return Float32Array.from({ length: count * width }, (_, i) => random() * scale[i % width]);
};

describe('ONNX engine (worker pool)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await server.load('order-value@tfjs', shippedModelDir('order-value'));
    await server.load('order-value@onnx', onnxFixture('order-value'));
    await server.load('sensor-anomaly@tfjs', shippedModelDir('sensor-anomaly'));
    await server.load('sensor-anomaly@onnx', onnxFixture('sensor-anomaly'));
  });
  afterAll(() => server.close());

  it('reads names, element types and dynamic dimensions from the session, and decides batching', () => {
    const info = server.info('order-value@onnx');
    expect(info).toMatchObject({ format: 'onnx', inputShape: [4], outputSize: 1, inputName: 'dense_Dense4_input' });
    expect(info?.tensors).toEqual({
      inputs: [{ name: 'dense_Dense4_input', type: 'float32', shape: [-1, 4], symbolic: ['batch', ''] }],
      outputs: [{ name: 'output', type: 'float32', shape: [-1, 1], symbolic: ['batch', ''] }],
      batching: true,
    });
  });

  it.each([
    ['order-value', [10, 200, 10, 50]],
    ['sensor-anomaly', [40, 100, 1100]],
  ])('the ONNX twin of %s answers what the TF.js model answers, within 1e-5', async (name, scale) => {
    for (const count of [1, 64]) {
      const input = rows(count, scale.length, scale);
      const tfjs = await server.predict(`${name}@tfjs`, input, count);
      const onnx = await server.predict(`${name}@onnx`, input, count);
      expect(onnx?.values).toHaveLength(tfjs!.values.length);
      const worst = Math.max(...onnx!.values.map((v, i) => Math.abs(v - tfjs!.values[i]) / Math.max(1, Math.abs(v))));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('concurrent calls are coalesced and each gets its own rows', async () => {
    const input = rows(8, 4, [10, 200, 10, 50]);
    const whole = await server.predict('order-value@onnx', input, 8);
    const parts = await Promise.all(
      Array.from({ length: 8 }, (_, r) => server.predict('order-value@onnx', input.slice(r * 4, r * 4 + 4), 1)),
    );
    expect(Float32Array.from(parts.flatMap((p) => [...p!.values]))).toEqual(whole!.values);
  });

  it('takes several named inputs and int64 tensors through infer', async () => {
    await server.load('two@1', onnxFixture('two-inputs'));
    const outputs = await server.infer('two@1', [
      { name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] },
      { name: 'scale', shape: [2, 1], datatype: 'INT64', data: [10, -1] },
    ]);
    expect(outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [2, 2], data: [10, 20, -3, -4] }]);
    const bad = (inputs: Parameters<ModelServer['infer']>[1]) => server.infer('two@1', inputs);
    const x = { name: 'x', shape: [1, 2], data: [1, 2] };
    await expect(bad([x])).rejects.toThrow("input 'scale' is missing");
    await expect(
      bad([x, { name: 'scale', shape: [1, 1], data: [1] }, { name: 'z', shape: [1], data: [1] }]),
    ).rejects.toThrow("unknown input 'z'");
    await expect(bad([x, { name: 'scale', shape: [1, 1], data: [1.5] }])).rejects.toBeInstanceOf(TensorValueError);
    await expect(bad([x, { name: 'scale', shape: [1, 1], data: [2 ** 53] }])).rejects.toThrow('2^53');
    await expect(bad([x, { name: 'scale', shape: [1, 1], datatype: 'INT32', data: [1] }])).rejects.toThrow('INT64');
    await expect(server.predict('two@1', Float32Array.from([1, 2]), 1)).rejects.toThrow('V2');
  });

  it('returns int64 outputs as exact numbers', async () => {
    await server.load('ids@1', onnxFixture('int64-identity'));
    const big = Number.MAX_SAFE_INTEGER;
    expect(await server.infer('ids@1', [{ name: 'ids', shape: [1, 2], data: [big, -big] }])).toEqual([
      { name: 'same', datatype: 'INT64', shape: [1, 2], data: [big, -big] },
    ]);
  });

  it('unloading a version ends its workers: a call that still held it is refused, not hung', async () => {
    await server.load('gone@1', onnxFixture('order-value'));
    expect(server.unload('gone@1')).toBe(true);
    expect(await server.predict('gone@1', rows(1, 4, [1, 1, 1, 1]), 1)).toBeUndefined();
  });
});

describe('ONNX inspection of hostile artifacts (in a throwaway child process)', () => {
  const inspect = (path: string, declared = {}) => server.inspect(path, declared);
  const refusal = async (path: string, declared = {}) => {
    const error = await inspect(path, declared).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelLoadError);
    return error as ModelLoadError;
  };

  it('reports a good model, batching decided by trial runs', async () => {
    expect(await inspect(onnxFixture('sensor-anomaly'), { inputShape: [3] })).toMatchObject({
      format: 'onnx',
      inputShape: [3],
      outputSize: 2,
      tensors: { batching: true },
    });
  });

  it('refuses a non-tensor output (ZipMap) and says how to export instead', async () => {
    const error = await refusal(onnxFixture('zipmap-output'));
    expect(error.code).toBe('UNSUPPORTED_MODEL');
    expect(error.reason).toMatch(/not a tensor.*zipmap.*False/i);
  });

  it('refuses an element type JavaScript cannot carry', async () => {
    const error = await refusal(onnxFixture('bfloat16-input'));
    expect(error).toMatchObject({ code: 'UNSUPPORTED_MODEL' });
    expect(error.reason).toMatch(/bfloat16.*cannot carry.*float32/);
  });

  it('refuses random bytes, a truncated file and an empty file', async () => {
    const dir = await tempDir('onnx-hostile-');
    const random = mulberry32(7);
    const whole = await readFile(onnxFixture('order-value'));
    const files = {
      'random.onnx': Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256)),
      'truncated.onnx': whole.subarray(0, Math.floor(whole.length / 2)),
      'empty.onnx': new Uint8Array(0),
    };
    for (const [name, bytes] of Object.entries(files)) {
      await writeFile(join(dir, name), bytes);
      const error = await refusal(join(dir, name));
      expect(error.code).toBe('INVALID_MODEL');
      expect(error.reason).not.toContain(dir);
    }
  });

  it('refuses an unknown operator', async () => {
    expect((await refusal(onnxFixture('unknown-operator'))).code).toBe('INVALID_MODEL');
  });

  it('refuses a declared inputShape or featureNames the model disagrees with', async () => {
    expect((await refusal(onnxFixture('order-value'), { inputShape: [3] })).code).toBe('INPUT_SHAPE_MISMATCH');
    const names = { inputShape: [4], featureNames: ['a', 'b', 'c'] };
    expect((await refusal(onnxFixture('order-value'), names)).reason).toMatch(/3 featureNames/);
  });
});
