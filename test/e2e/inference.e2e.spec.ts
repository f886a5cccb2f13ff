import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

describe('POST /inference/:name/predict', () => {
  let t: TestApp;
  let token: string;
  const predict = (name: string, body: unknown) =>
    t
      .http()
      .post(`/api/v1/inference/${name}/predict`)
      .set(bearer(token))
      .send(body as object);

  beforeAll(async () => {
    t = await createTestApp();
    token = (await t.customer()).token;
  });
  afterAll(() => t.close());

  it('classifies object rows and array rows the same way, with labelled probabilities', async () => {
    const normal = { temperature: 21.5, humidity: 45, pressure: 1012 };
    const hot = { temperature: 85, humidity: 45, pressure: 1012 };
    const byObject = await predict('sensor-anomaly', { inputs: [normal, hot] }).expect(200);
    expect(byObject.body).toMatchObject({ model: 'sensor-anomaly', version: '1.0.0', latencyMs: expect.any(Number) });
    const [first, second] = byObject.body.predictions;
    expect(first.label).toBe('normal');
    expect(second.label).toBe('anomaly');
    expect(Object.keys(first.probabilities).sort()).toEqual(['anomaly', 'normal']);
    expect(first.probabilities.normal + first.probabilities.anomaly).toBeCloseTo(1, 5);
    expect(first.confidence).toBe(first.probabilities.normal);

    const byArray = await predict('sensor-anomaly', {
      inputs: [
        [21.5, 45, 1012],
        [85, 45, 1012],
      ],
    }).expect(200);
    expect(byArray.body.predictions).toEqual(byObject.body.predictions);
    const single = await predict('sensor-anomaly', { inputs: normal }).expect(200);
    expect(single.body.predictions).toEqual([first]);
    const flatSingle = await predict('sensor-anomaly', { inputs: [21.5, 45, 1012], version: '1.0.0' }).expect(200);
    expect(flatSingle.body.predictions).toEqual([first]);
  });

  it('answers regression with a value, and a batch gives the same values as single rows', async () => {
    const rows = [
      [3, 20, 2, 5],
      [8, 150, 6, 30],
      [1, 9.99, 1, 0],
    ];
    const batch = await predict('order-value', { inputs: rows }).expect(200);
    expect(batch.body.predictions).toHaveLength(3);
    for (const [index, row] of rows.entries()) {
      const one = await predict('order-value', { inputs: row }).expect(200);
      expect(one.body.predictions[0].value).toBeCloseTo(batch.body.predictions[index].value, 3);
    }
    // A bigger order is predicted to cost more (the model learned something real).
    expect(batch.body.predictions[1].value).toBeGreaterThan(batch.body.predictions[0].value);
  });

  it('names the row and the reason for bad rows, and accepts up to 1024 rows', async () => {
    const wrongLength = await predict('sensor-anomaly', {
      inputs: [
        [1, 2, 3],
        [1, 2],
      ],
    }).expect(400);
    expect(expectErrorShape(wrongLength.body, 400).code).toBe('INFERENCE_INPUT_INVALID');
    expect(wrongLength.body.details).toEqual([{ field: 'inputs.1', message: 'row 1: expected 3 values, got 2' }]);
    const infinite = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(token))
      .set('Content-Type', 'application/json')
      .send('{"inputs":[[1,2,3],[1,1e999,3]]}')
      .expect(400);
    expect(infinite.body.details[0]).toEqual({ field: 'inputs.1.1', message: 'row 1: value 1 is Infinity' });
    const notNumber = await predict('sensor-anomaly', { inputs: [[1, 'NaN', 3]] }).expect(400);
    expect(notNumber.body.details[0].field).toBe('inputs.0.1');
    const missing = await predict('sensor-anomaly', { inputs: [{ temperature: 20, pressure: 1000 }] }).expect(400);
    expect(missing.body.details[0]).toEqual({
      field: 'inputs.0.humidity',
      message: "row 0: missing feature 'humidity'",
    });
    const unknown = await predict('sensor-anomaly', {
      inputs: { temperature: 20, humidity: 40, pressure: 1000, wind: 3 },
    }).expect(400);
    expect(unknown.body.code).toBe('INFERENCE_INPUT_INVALID');
    expect(unknown.body.details[0].message).toContain("unknown feature 'wind'");
    expect((await predict('sensor-anomaly', { inputs: 'text' }).expect(400)).body.code).toBe('INFERENCE_INPUT_INVALID');
    expect((await predict('sensor-anomaly', {}).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await predict('sensor-anomaly', { inputs: [[1, 2, 3]], extra: true }).expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );

    const many = Array.from({ length: 1024 }, (_, index) => [15 + (index % 10), 45, 1010]);
    const ok = await predict('sensor-anomaly', { inputs: many }).expect(200);
    expect(ok.body.predictions).toHaveLength(1024);
    const tooMany = await predict('sensor-anomaly', { inputs: [...many, [1, 2, 3]] }).expect(400);
    expect(tooMany.body.code).toBe('INFERENCE_INPUT_INVALID');
    expect(tooMany.body.details[0].message).toMatch(/at most 1024 rows/);
  });

  it('answers 404 for an unknown model or an undeployed version, 401 without a token', async () => {
    expectErrorShape((await predict('no-such-model', { inputs: [1, 2, 3] }).expect(404)).body, 404);
    await predict('sensor-anomaly', { inputs: [1, 2, 3], version: '0.0.1' }).expect(404);
    await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .send({ inputs: [1, 2, 3] })
      .expect(401);
  });

  it('accepts bodies above the general limit on inference routes', async () => {
    const rows = Array.from({ length: 1024 }, () => [21.123456789, 45.123456789, 1012.123456789]);
    const body = JSON.stringify({ inputs: rows, version: 'latest' }) + ' '.repeat(1_100_000);
    await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(token))
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(200);
  });

  it('counts inference in /metrics by model and version', async () => {
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /inference_request_success_total\{model="sensor-anomaly",version="1.0.0",source="http"\} \d+/,
    );
    expect(metrics.text).toMatch(/inference_batch_size_bucket\{le="1024",model="sensor-anomaly",version="1.0.0"\}/);
    expect(metrics.text).toMatch(/^inference_models_loaded 2$/m);
  });
});
