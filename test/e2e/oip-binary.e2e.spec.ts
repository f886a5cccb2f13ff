import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, onnxFixture } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import {
  binaryBody,
  float32Bytes,
  float32Values,
  int64Bytes,
  int64Values,
  rawBytes,
  readBinaryAnswer,
  sendBinary,
  stringValues,
} from '../helpers/v2-binary.js';
import { waitFor } from '../helpers/wait-for.js';

const SENSOR_ROWS = [21.5, 45, 1012, 85, 45, 1012, 30, 80, 990];

/**
 * The V2 binary tensor data extension on the shipped bundle: inputs as raw little-endian bytes
 * after a JSON header answer exactly what the JSON form answers (TF.js and ONNX, several inputs,
 * INT64), outputs come back as bytes when asked, calls are recorded like JSON ones, and the
 * framing's own refusals are 400s in `{ error }` (the hostile cases: oip-binary-hostile).
 */
describe('V2 binary tensor data', () => {
  let t: TestApp;
  let token: string;
  let userId: number;
  let sensorInput: string;
  const infer = (path: string) => t.http().post(path).set(bearer(token));
  const json = (path: string, body: object) => infer(path).send(body).expect(200);

  beforeAll(async () => {
    t = await createTestApp();
    ({ token, id: userId } = await t.customer());
    sensorInput = (await t.http().get('/v2/models/sensor-anomaly').set(bearer(token)).expect(200)).body.inputs[0].name;
    for (const [name, inputShape] of [
      ['two-inputs', '[2]'],
      ['int64-identity', '[2]'],
    ]) {
      const fields = { name, version: '1.0.0', framework: 'onnx', task: 'regression', inputShape };
      await attachUpload(t.http().post('/api/v1/models').set(bearer(t.adminToken)), {
        onnx: onnxFixture(name),
        fields,
      }).expect(201);
      await t.http().post(`/api/v1/models/${name}/versions/1.0.0/deploy`).set(bearer(t.adminToken)).expect(200);
    }
  }, 60_000);
  afterAll(() => t.close());

  it('server metadata lists the extension; the OpenAPI document describes its bodies and header', async () => {
    const server = await t.http().get('/v2').set(bearer(token)).expect(200);
    expect(server.body.extensions).toEqual(['binary_tensor_data']);
    const document = (await t.http().get('/docs-json').expect(200)).body;
    for (const path of ['/v2/models/{name}/infer', '/v2/models/{name}/versions/{version}/infer']) {
      const operation = document.paths[path].post;
      expect(Object.keys(operation.requestBody.content).sort()).toEqual([
        'application/json',
        'application/octet-stream',
        'application/vnd.sagemaker-triton.binary+json',
      ]);
      expect(operation.requestBody.content['application/octet-stream'].schema).toMatchObject({ format: 'binary' });
      expect(operation.parameters).toContainEqual(
        expect.objectContaining({ name: 'Inference-Header-Content-Length', in: 'header', required: false }),
      );
      expect(Object.keys(operation.responses['200'].content).sort()).toEqual([
        'application/json',
        'application/octet-stream',
      ]);
      expect(operation.responses['200'].headers).toHaveProperty('Inference-Header-Content-Length');
    }
  });

  it('TF.js: binary FP32 rows answer what JSON rows answer; outputs as bytes on request', async () => {
    const tensor = { name: sensorInput, shape: [3, 3], datatype: 'FP32' };
    const outputs = [{ name: 'probabilities' }, { name: 'label' }];
    const reference = (
      await json('/v2/models/sensor-anomaly/infer', { id: 'r', inputs: [{ ...tensor, data: SENSOR_ROWS }], outputs })
    ).body;
    const header = { id: 'r', inputs: [{ ...tensor, parameters: { binary_data_size: 36 } }], outputs };
    const jsonAnswer = await sendBinary(
      infer('/v2/models/sensor-anomaly/infer'),
      binaryBody(header, float32Bytes(SENSOR_ROWS)),
    ).expect(200);
    expect(jsonAnswer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(jsonAnswer.body.toString('utf8'))).toEqual(reference);

    // Every output as bytes (request-level), the label back to JSON by its own parameter.
    const asBytes = await sendBinary(
      infer('/v2/models/sensor-anomaly/versions/1.0.0/infer'),
      binaryBody(
        {
          ...header,
          parameters: { binary_data_output: true },
          outputs: [{ name: 'probabilities' }, { name: 'label', parameters: { binary_data: false } }],
        },
        float32Bytes(SENSOR_ROWS),
      ),
    ).expect(200);
    expect(asBytes.headers['content-type']).toBe('application/octet-stream');
    const length = Number(asBytes.headers['inference-header-content-length']);
    const { header: answer, bytes } = readBinaryAnswer(asBytes.body, length);
    expect(answer).toMatchObject({ model_name: 'sensor-anomaly', model_version: '1.0.0', id: 'r' });
    expect(answer.outputs[0]).toEqual({
      name: 'probabilities',
      datatype: 'FP32',
      shape: [3, 2],
      parameters: { binary_data_size: 24 },
    });
    expect(float32Values(bytes.get('probabilities')!)).toEqual(reference.outputs[0].data);
    expect(answer.outputs[1]).toEqual(reference.outputs[1]);

    // Triton's SageMaker type: the header size in the content type; the answer as for octet-stream.
    const sagemaker = binaryBody(
      { ...header, outputs: [{ name: 'label', parameters: { binary_data: true } }] },
      float32Bytes(SENSOR_ROWS),
    );
    const typed = await rawBytes(
      infer('/v2/models/sensor-anomaly/infer')
        .set('Content-Type', `application/vnd.sagemaker-triton.binary+json;json-header-size=${sagemaker.headerLength}`)
        // superagent would JSON-encode a Buffer sent as a +json type
        .serialize((bytes: Buffer) => bytes as unknown as string)
        .send(sagemaker.body),
    ).expect(200);
    expect(typed.headers['content-type']).toBe('application/octet-stream');
    const size = Number(typed.headers['inference-header-content-length']);
    expect(stringValues(readBinaryAnswer(typed.body, size).bytes.get('label')!)).toEqual(reference.outputs[1].data);
  });

  it('a JSON request may ask for binary outputs; without a header length the whole body is JSON', async () => {
    const inputs = [{ name: sensorInput, shape: [1, 3], datatype: 'FP32', data: SENSOR_ROWS.slice(0, 3) }];
    const reference = (await json('/v2/models/sensor-anomaly/infer', { inputs })).body;
    const answer = await rawBytes(
      infer('/v2/models/sensor-anomaly/infer').send({ inputs, parameters: { binary_data_output: true } }),
    ).expect(200);
    const { bytes } = readBinaryAnswer(answer.body, Number(answer.headers['inference-header-content-length']));
    expect(float32Values(bytes.get('probabilities')!)).toEqual(reference.outputs[0].data);
    const whole = await rawBytes(
      infer('/v2/models/sensor-anomaly/infer')
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from(JSON.stringify({ inputs }))),
    ).expect(200);
    expect(JSON.parse(whole.body.toString('utf8'))).toEqual(reference);
  });

  it('ONNX: two named inputs (FP32 and INT64) and exact int64 both ways, as JSON answers them', async () => {
    const x = [1, 2, 3, 4];
    const scale = [10, -1];
    const tensors = [
      { name: 'x', shape: [2, 2], datatype: 'FP32' },
      { name: 'scale', shape: [2, 1], datatype: 'INT64' },
    ];
    const reference = (
      await json('/v2/models/two-inputs/infer', {
        inputs: [
          { ...tensors[0], data: x },
          { ...tensors[1], data: scale },
        ],
      })
    ).body;
    expect(reference.outputs[0].data).toEqual([10, 20, -3, -4]);
    const binary = await sendBinary(
      infer('/v2/models/two-inputs/infer'),
      binaryBody(
        {
          inputs: [
            { ...tensors[0], parameters: { binary_data_size: 16 } },
            { ...tensors[1], parameters: { binary_data_size: 16 } },
          ],
        },
        float32Bytes(x),
        int64Bytes(scale),
      ),
    ).expect(200);
    expect(JSON.parse(binary.body.toString('utf8'))).toEqual(reference);

    const ids = [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 7, 0];
    const exact = await sendBinary(
      infer('/v2/models/int64-identity/infer'),
      binaryBody(
        {
          inputs: [{ name: 'ids', shape: [2, 2], datatype: 'INT64', parameters: { binary_data_size: 32 } }],
          outputs: [{ name: 'same', parameters: { binary_data: true } }],
        },
        int64Bytes(ids),
      ),
    ).expect(200);
    const { header, bytes } = readBinaryAnswer(exact.body, Number(exact.headers['inference-header-content-length']));
    expect(header.outputs).toEqual([
      { name: 'same', datatype: 'INT64', shape: [2, 2], parameters: { binary_data_size: 32 } },
    ]);
    expect(int64Values(bytes.get('same')!)).toEqual(ids);
    // Beyond ±(2^53 − 1), as in JSON: refused, not rounded.
    const beyond = Buffer.alloc(16);
    beyond.writeBigInt64LE(2n ** 53n, 0);
    const refused = await sendBinary(
      infer('/v2/models/int64-identity/infer'),
      binaryBody(
        { inputs: [{ name: 'ids', shape: [1, 2], datatype: 'INT64', parameters: { binary_data_size: 16 } }] },
        beyond,
      ),
    ).expect(400);
    expect(JSON.parse(refused.body.toString('utf8'))).toEqual({ error: expect.stringMatching(/2\^53/) });
  });

  it('binary calls are recorded with source oip, like JSON ones, with the same input hash', async () => {
    const { token: own, id } = await t.customer();
    const tensor = { name: sensorInput, shape: [1, 3], datatype: 'FP32' };
    const header = { inputs: [{ ...tensor, parameters: { binary_data_size: 12 } }] };
    await sendBinary(
      t.http().post('/v2/models/sensor-anomaly/infer').set(bearer(own)),
      binaryBody(header, float32Bytes([85, 45, 1012])),
    ).expect(200);
    await t
      .http()
      .post('/v2/models/sensor-anomaly/infer')
      .set(bearer(own))
      .send({ inputs: [{ ...tensor, data: [85, 45, 1012] }] })
      .expect(200);
    type Recorded = { userId: number; success: boolean; output: { label: string }[] | null; inputHash: string };
    await waitFor(async () => {
      const page = await t
        .http()
        .get('/api/v1/inference/records')
        .query({ model: 'sensor-anomaly', source: 'oip', pageSize: 100 })
        .set(bearer(t.adminToken))
        .expect(200);
      const mine = (page.body.items as Recorded[]).filter((item) => item.userId === id);
      const served = mine.filter((item) => item.success && item.output?.[0].label === 'anomaly');
      if (served.length < 2) return undefined;
      expect(served[0].inputHash).toBe(served[1].inputHash);
      return true;
    });
    expect(userId).not.toBe(id);
  });

  it('other routes still refuse the binary types with 415', async () => {
    const answer = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(token))
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('{"inputs":[1,2,3]}'))
      .expect(415);
    expectErrorShape(answer.body, 415);
  });
});
