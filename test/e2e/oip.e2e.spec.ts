import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readPackageInfo } from '../../apps/api/src/home/package-info.js';
import { expectOipError, expectOipSchema } from '../helpers/oip-conformance.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

const SENSOR_ROWS = [
  [21.5, 45, 1012],
  [85, 45, 1012],
  [30, 80, 990],
];
const ORDER_ROWS = [
  [3, 20, 2, 5],
  [8, 150, 6, 30],
  [1, 9.99, 1, 0],
];

/**
 * The Open Inference Protocol (V2) routes over HTTP on the real app: every answer is checked
 * against the protocol's published schemas (and, by http(), against the app's own document), V2
 * outputs equal predict's for the same rows, and every refusal is a 4xx in `{ error }`.
 */
describe('Open Inference Protocol (V2) REST', () => {
  let t: TestApp;
  let token: string;
  let userId: number;
  const get = (path: string) => t.http().get(path).set(bearer(token));
  const infer = (path: string, body: unknown) =>
    t
      .http()
      .post(path)
      .set(bearer(token))
      .send(body as object);
  const inputName = async (model: string) =>
    (await get(`/v2/models/${model}`).expect(200)).body.inputs[0].name as string;
  const predict = async (model: string, rows: number[][]) =>
    (await t.http().post(`/api/v1/inference/${model}/predict`).set(bearer(token)).send({ inputs: rows }).expect(200))
      .body;

  beforeAll(async () => {
    t = await createTestApp();
    ({ token, id: userId } = await t.customer());
  });
  afterAll(() => t.close());

  it('server metadata, liveness and readiness follow the protocol', async () => {
    const server = await get('/v2').expect(200);
    expectOipSchema('metadata_server_response', server.body);
    const { name, version } = readPackageInfo();
    expect(server.body).toEqual({ name, version, extensions: ['binary_tensor_data'] });
    for (const path of ['/v2/health/live', '/v2/health/ready']) {
      const answer = await t.http().get(path).expect(200);
      expect(answer.text).toBe('');
    }
  });

  it('model metadata names the platform, the single input and the outputs, -1 for the batch', async () => {
    for (const path of [
      '/v2/models/sensor-anomaly',
      '/v2/models/sensor-anomaly/versions/1.0.0',
      '/v2/models/sensor-anomaly/versions/latest',
    ]) {
      const answer = await get(path).expect(200);
      expectOipSchema('metadata_model_response', answer.body);
      expect(answer.body).toEqual({
        name: 'sensor-anomaly',
        versions: ['1.0.0'],
        platform: 'tensorflowjs_layers',
        inputs: [{ name: expect.any(String), datatype: 'FP32', shape: [-1, 3] }],
        outputs: [
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
          { name: 'label', datatype: 'BYTES', shape: [-1] },
        ],
      });
    }
    const regression = await get('/v2/models/order-value').expect(200);
    expectOipSchema('metadata_model_response', regression.body);
    expect(regression.body.outputs).toEqual([{ name: 'values', datatype: 'FP32', shape: [-1, 1] }]);
    for (const path of ['/v2/models/sensor-anomaly/ready', '/v2/models/order-value/versions/1.0.0/ready'])
      expect((await get(path).expect(200)).text).toBe('');
  });

  it('classifier: probabilities equal predict within 1e-6, flat or nested, id echoed, label on request', async () => {
    const name = await inputName('sensor-anomaly');
    const reference = await predict('sensor-anomaly', SENSOR_ROWS);
    const flat = await infer('/v2/models/sensor-anomaly/infer', {
      id: 'req-1',
      inputs: [{ name, shape: [3, 3], datatype: 'FP32', data: SENSOR_ROWS.flat() }],
    }).expect(200);
    expectOipSchema('inference_response', flat.body);
    expect(flat.body).toMatchObject({ model_name: 'sensor-anomaly', model_version: '1.0.0', id: 'req-1' });
    expect(flat.body.outputs).toHaveLength(1);
    const [probabilities] = flat.body.outputs;
    expect(probabilities).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [3, 2] });
    reference.predictions.forEach((prediction: { probabilities: Record<string, number> }, row: number) => {
      ['normal', 'anomaly'].forEach((label, column) =>
        expect(Math.abs(probabilities.data[row * 2 + column] - prediction.probabilities[label])).toBeLessThan(1e-6),
      );
    });

    const nested = await infer('/v2/models/sensor-anomaly/versions/1.0.0/infer', {
      inputs: [{ name, shape: [3, 3], datatype: 'FP32', data: SENSOR_ROWS }],
      outputs: [{ name: 'label' }, { name: 'probabilities' }],
      parameters: { note: 'ignored' },
    }).expect(200);
    expectOipSchema('inference_response', nested.body);
    expect(nested.body.id).toBeUndefined();
    expect(nested.body.outputs[0]).toEqual({
      name: 'label',
      datatype: 'BYTES',
      shape: [3],
      data: reference.predictions.map((prediction: { label: string }) => prediction.label),
    });
    expect(nested.body.outputs[1]).toEqual(probabilities);
  });

  it('regressor: values equal predict within 1e-6', async () => {
    const name = await inputName('order-value');
    const reference = await predict('order-value', ORDER_ROWS);
    const answer = await infer('/v2/models/order-value/versions/latest/infer', {
      inputs: [{ name, shape: [3, 4], datatype: 'FP64', data: ORDER_ROWS }],
    }).expect(200);
    expectOipSchema('inference_response', answer.body);
    expect(answer.body.outputs[0]).toMatchObject({ name: 'values', datatype: 'FP32', shape: [3, 1] });
    reference.predictions.forEach((prediction: { value: number }, row: number) =>
      expect(Math.abs(answer.body.outputs[0].data[row] - prediction.value)).toBeLessThan(1e-6),
    );
  });

  it('every numeric datatype is read as the same float32 row', async () => {
    const name = await inputName('order-value');
    const rows = [
      [3, 20, 2, 5],
      [1, 0, 1, 0],
    ];
    const reference = (
      await infer('/v2/models/order-value/infer', {
        inputs: [{ name, shape: [2, 4], datatype: 'FP32', data: rows.flat() }],
      }).expect(200)
    ).body.outputs[0].data;
    for (const datatype of ['FP64', 'FP16', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']) {
      const answer = await infer('/v2/models/order-value/infer', {
        inputs: [{ name, shape: [2, 4], datatype, data: rows.flat() }],
      }).expect(200);
      expectOipSchema('inference_response', answer.body);
      expect(answer.body.outputs[0].data).toEqual(reference);
    }
    const asBool = await infer('/v2/models/order-value/infer', {
      inputs: [{ name, shape: [1, 4], datatype: 'BOOL', data: [true, false, true, false] }],
    }).expect(200);
    const asNumbers = await infer('/v2/models/order-value/infer', {
      inputs: [{ name, shape: [1, 4], datatype: 'UINT8', data: [1, 0, 1, 0] }],
    }).expect(200);
    expect(asBool.body.outputs).toEqual(asNumbers.body.outputs);
  });

  it('refuses bad tensors with 400 { error }, naming the problem', async () => {
    const name = await inputName('sensor-anomaly');
    const tensor = (overrides: Record<string, unknown>) => ({
      inputs: [{ name, shape: [1, 3], datatype: 'FP32', data: [21.5, 45, 1012], ...overrides }],
    });
    const cases: [unknown, RegExp][] = [
      [tensor({ shape: [2, 3] }), /3 values but its shape \[2,3\] needs 6/],
      [tensor({ shape: [1, 3], data: [1, 2, 3, 4] }), /4 values but its shape \[1,3\] needs 3/],
      [tensor({ shape: [1, 4], data: [1, 2, 3, 4] }), /shape \[1,4\]; the model takes \[-1,3\]/],
      [tensor({ shape: [3] }), /shape \[3\]; the model takes \[-1,3\]/],
      [tensor({ shape: [1, 3], data: [[1, 2], [3]] }), /nested data disagrees with shape/],
      [tensor({ name: 'pixels' }), /unknown input 'pixels'/],
      [tensor({ datatype: 'FP33' }), /unknown datatype 'FP33'/],
      [tensor({ datatype: 'BYTES', data: ['a', 'b', 'c'] }), /datatype BYTES is not supported/],
      [tensor({ datatype: 'UINT8', data: [1, 300, 2] }), /value 1 \(300\) is not a valid UINT8/],
      [tensor({ datatype: 'INT32', data: [1, 2.5, 2] }), /is not a valid INT32/],
      [tensor({ datatype: 'BOOL', data: [1, 0, 1] }), /is not a valid BOOL/],
      [tensor({ datatype: 'FP32', data: [1, 1e39, 2] }), /is not a valid FP32/],
      [tensor({ data: [1, 'x', 2] }), /is not a valid FP32/],
      [tensor({ shape: [0, 3], data: [] }), /0 rows; 1 to 1024/],
      [tensor({ shape: [1, -3] }), /shape must be 0 to 8 non-negative integers/],
      [tensor({ shape: [], data: [1] }), /shape \[\]; the model takes \[-1,3\]/],
      [tensor({ extra: 1 }), /unknown field 'extra'/],
      [{ ...tensor({}), outputs: [{ name: 'logits' }] }, /unknown output 'logits'/],
      [{ ...tensor({}), id: 42 }, /id must be a string/],
      [{ inputs: [] }, /inputs must be a non-empty array/],
      [{ inputs: [tensor({}).inputs[0], tensor({}).inputs[0]] }, /given 2 times/],
      [{}, /inputs must be a non-empty array/],
    ];
    for (const [body, message] of cases) {
      const answer = await infer('/v2/models/sensor-anomaly/infer', body).expect(400);
      expect(expectOipError(answer.body)).toMatch(message);
    }
    const malformed = await t
      .http()
      .post('/v2/models/sensor-anomaly/infer')
      .set(bearer(token))
      .set('Content-Type', 'application/json')
      .send('{"inputs": [')
      .expect(400);
    expectOipError(malformed.body);
  });

  it('unknown models and versions are 404, a missing or bad token 401, all in { error }', async () => {
    const name = await inputName('sensor-anomaly');
    const body = { inputs: [{ name, shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] };
    for (const path of [
      '/v2/models/nope',
      '/v2/models/sensor-anomaly/versions/9.9.9',
      '/v2/models/nope/ready',
      '/v2/models/sensor-anomaly/versions/9.9.9/ready',
    ]) {
      expectOipError((await get(path).expect(404)).body, 'metadata_model_error_response');
    }
    for (const path of ['/v2/models/nope/infer', '/v2/models/sensor-anomaly/versions/9.9.9/infer'])
      expectOipError((await infer(path, body).expect(404)).body);
    expectOipError((await get('/v2/models/bad%20name').expect(400)).body, 'metadata_model_error_response');
    for (const path of ['/v2', '/v2/models/sensor-anomaly', '/v2/models/sensor-anomaly/ready']) {
      expectOipError((await t.http().get(path).expect(401)).body, 'metadata_server_error_response');
      expectOipError(
        (await t.http().get(path).set(bearer('not-a-token')).expect(401)).body,
        'metadata_server_error_response',
      );
    }
    expectOipError((await t.http().post('/v2/models/sensor-anomaly/infer').send(body).expect(401)).body);
  });

  it('records each call with source oip and counts it in the metrics', async () => {
    const name = await inputName('sensor-anomaly');
    await infer('/v2/models/sensor-anomaly/infer', {
      inputs: [{ name, shape: [1, 3], datatype: 'FP32', data: [21.5, 45, 1012] }],
    }).expect(200);
    await infer('/v2/models/sensor-anomaly/infer', {
      inputs: [{ name, shape: [1, 3], datatype: 'FP32', data: [1, 2] }],
    }).expect(400);
    // The log is written behind the response: wait until both calls are in it.
    type Recorded = { userId: number; success: boolean; output: { label: string }[] | null; error: string | null };
    const served = (item: Recorded) => item.success && item.output?.[0].label === 'normal';
    const refused = (item: Recorded) => !item.success && /2 values but its shape/.test(item.error ?? '');
    await waitFor(async () => {
      const page = await t
        .http()
        .get('/api/v1/inference/records')
        .query({ model: 'sensor-anomaly', source: 'oip', pageSize: 100 })
        .set(bearer(t.adminToken))
        .expect(200);
      const mine = (page.body.items as Recorded[]).filter((item) => item.userId === userId);
      return mine.some(served) && mine.some(refused) ? true : undefined;
    });
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /inference_request_success_total\{model="sensor-anomaly",version="1.0.0",source="oip"\} [1-9]/,
    );
  });

  it('hostile bodies never make a 5xx (seeded random JSON)', async () => {
    let state = 7;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / 16_777_216;
    const values = [null, true, 0, -1, 1.5, 1e308, 'x', '', [], {}, [1, 2, 3], [[1, 2, 3]], { name: 'x' }];
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    const name = await inputName('sensor-anomaly');
    for (let run = 0; run < 60; run += 1) {
      const tensor: Record<string, unknown> = {
        name: pick([name, 'x', 1, null]),
        shape: pick([[1, 3], [2, 3], [], [1e9, 3], [1, 3, 1], 'x', [-1, 3]]),
        datatype: pick(['FP32', 'INT8', 'BOOL', 'BYTES', 'fp32', 3]),
        data: pick([...values, [21, 45, 1012]]),
      };
      if (random() < 0.3) tensor[pick(['parameters', 'extra', 'data'])] = pick(values);
      const body =
        random() < 0.2
          ? pick(values)
          : {
              inputs: random() < 0.85 ? [tensor] : pick(values),
              ...(random() < 0.3 ? { outputs: pick(values) } : {}),
              ...(random() < 0.2 ? { id: pick(values) } : {}),
            };
      const answer = await t
        .http()
        .post('/v2/models/sensor-anomaly/infer')
        .set(bearer(token))
        .send(JSON.stringify(body))
        .set('Content-Type', 'application/json');
      expect(answer.status).toBeLessThan(500);
      if (answer.status !== 200) expectOipError(answer.body);
      else expectOipSchema('inference_response', answer.body);
    }
  });
  it('takes an API key like the API does: predict scope serves, a read-only key is 403 in { error }', async () => {
    const createKey = async (scopes: string[]) =>
      (
        await t
          .http()
          .post('/api/v1/auth/api-keys')
          .set(bearer(token))
          .send({ name: `oip-${scopes.join('-')}`, scopes })
          .expect(201)
      ).body.key as string;
    const [predictKey, readKey] = [await createKey(['predict']), await createKey(['read'])];
    const body = {
      inputs: [{ name: await inputName('sensor-anomaly'), shape: [1, 3], datatype: 'FP32', data: SENSOR_ROWS[0] }],
    };
    const served = await t
      .http()
      .post('/v2/models/sensor-anomaly/infer')
      .set('X-API-Key', predictKey)
      .send(body)
      .expect(200);
    expectOipSchema('inference_response', served.body);
    const refused = await t
      .http()
      .post('/v2/models/sensor-anomaly/infer')
      .set('Authorization', `Bearer ${readKey}`)
      .send(body)
      .expect(403);
    expectOipError(refused.body);
  });
});
