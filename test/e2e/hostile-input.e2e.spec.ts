import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

const nested = (levels: number, leaf = '1') => '['.repeat(levels) + leaf + ']'.repeat(levels);

/** Each class of input that answered 500 (or worse) now answers 4xx in the contract's shape. */
describe('hostile input answers 4xx', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ JSON_MAX_DEPTH: '16' });
    token = (await t.customer()).token;
  });
  afterAll(() => t.close());

  const predict = (body: string) =>
    t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(token))
      .set('Content-Type', 'application/json')
      .send(body);

  describe('JSON nesting depth (JSON_MAX_DEPTH=16)', () => {
    it('accepts a body at the limit and refuses one level more, brackets inside strings not counted', async () => {
      // {"inputs": [...]} is one level, so 15 arrays reach 16: the rows are wrong, not the JSON.
      const atLimit = await predict(`{"inputs":${nested(15)}}`);
      expect(atLimit.status).toBe(400);
      expect(atLimit.body.code).toBe('INFERENCE_INPUT_INVALID');
      const tooDeep = await predict(`{"inputs":${nested(16)}}`);
      // The message names the limit.
      expect(expectErrorShape(tooDeep.body, 400)).toMatchObject({
        code: 'BODY_TOO_DEEP',
        message: 'JSON nests deeper than 16 levels',
      });
      const inString = await t
        .http()
        .post('/api/v1/auth/register')
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            username: 'bracket_user',
            email: 'b@example.test',
            password: 'Password1',
            fullName: '[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{"\\',
          }),
        );
      expect(inString.status).toBe(201);
    });

    it("keeps the parser's answers: malformed, empty and prototype-poisoned 400, unsupported type 415", async () => {
      expectErrorShape((await predict('{"inputs": [1,').expect(400)).body, 400);
      expectErrorShape((await predict('').expect(400)).body, 400);
      expectErrorShape((await predict('{"__proto__": {"x": 1}, "inputs": [1, 2, 3]}').expect(400)).body, 400);
      const typed = await t
        .http()
        .post('/api/v1/inference/sensor-anomaly/predict')
        .set(bearer(token))
        .set('Content-Type', 'application/xml')
        .send('<a/>');
      expectErrorShape(typed.body, 415);
    });
  });

  describe('numbers after float32 rounding', () => {
    it.each([
      ['a row array', { inputs: [21, 1e39, 1012] }, 'inputs.1'],
      ['a feature object', { inputs: [{ temperature: 21, humidity: 45, pressure: -3.5e38 }] }, 'inputs.0.pressure'],
    ])('refuses a value beyond float32 in %s with 400 naming the row', async (_, body, field) => {
      const response = await predict(JSON.stringify(body));
      expectErrorShape(response.body, 400);
      expect(response.body.details).toEqual([{ field, message: expect.stringMatching(/^row 0: .*float32/) }]);
    });

    it('refuses it in a job, and serves values that round to finite float32 (tiny, -0, the max)', async () => {
      const job = await t
        .http()
        .post('/api/v1/inference/sensor-anomaly/jobs')
        .set(bearer(token))
        .send({
          inputs: [
            [1, 2, 3],
            [1, 2, 1e300],
          ],
        });
      expectErrorShape(job.body, 400);
      expect(job.body.details[0].field).toBe('inputs.1.2');
      await predict(JSON.stringify({ inputs: [[1e-50, -0, 1012]] })).expect(200);
    });

    it('refuses a row whose finite inputs overflow in the network (400 naming it, never a null answer)', async () => {
      const response = await predict(
        JSON.stringify({
          inputs: [
            [21, 45, 1012],
            [0, 1e-45, 3.4028234663852886e38],
          ],
        }),
      );
      expect(expectErrorShape(response.body, 400)).toMatchObject({
        code: 'INFERENCE_OUTPUT_NOT_FINITE',
        message: expect.stringMatching(/^row 1: the model's output is not a finite number/),
      });
    });
  });

  it('stores readings with denormal and signed-zero values on every engine (never a database 500)', async () => {
    const response = await t
      .http()
      .post('/api/v1/ingest/sensor-readings?model=sensor-anomaly')
      .set(bearer(token))
      .send([
        {
          timestamp: '2026-01-01T00:00:00Z',
          sensorId: 'tiny',
          temperature: 5e-324,
          humidity: -0,
          pressure: 300.0000000000001,
        },
        {
          timestamp: '2026-01-01T00:00:01Z',
          sensorId: 'tiny',
          temperature: -49.99999999999999,
          humidity: 1e-300,
          pressure: 1100,
        },
      ]);
    expect(response.status).toBe(201);
    expect(response.body.accepted).toBe(2);
  });

  describe('dates', () => {
    it.each([
      '2026-W05-3',
      '2026-032',
      '2026-02-30',
      '2026-13-01',
      '+012026-01-01',
      '0999-12-31',
      '2026-01-01T24:00:00Z',
      '2026-01-01T12:00:00+25:00',
      'yesterday',
      '1767225600000',
    ])('refuses %s as a reading filter and as a stats filter with 400', async (value) => {
      const readings = await t.http().get('/api/v1/ingest/sensor-readings').query({ from: value }).set(bearer(token));
      expectErrorShape(readings.body, 400);
      expect(readings.body.details).toEqual([{ field: 'from', message: expect.stringContaining('ISO 8601') }]);
      const stats = await t.http().get('/api/v1/inference/stats').query({ since: value }).set(bearer(t.adminToken));
      expectErrorShape(stats.body, 400);
    });

    it('reads offsets and date-only forms as real instants, and refuses a week-date reading row', async () => {
      const ingest = await t
        .http()
        .post('/api/v1/ingest/sensor-readings')
        .set(bearer(token))
        .send([
          { timestamp: '2026-03-01T10:00:00+02:00', sensorId: 'tz-probe', temperature: 20, humidity: 40 },
          { timestamp: '2026-W05-3', sensorId: 'tz-probe', temperature: 20, humidity: 40 },
        ])
        .expect(201);
      expect(ingest.body).toMatchObject({ accepted: 1, rejected: [{ index: 1, details: [{ field: 'timestamp' }] }] });
      const list = (query: Record<string, string>) =>
        t
          .http()
          .get('/api/v1/ingest/sensor-readings')
          .query({ sensorId: 'tz-probe', ...query })
          .set(bearer(token))
          .expect(200);
      expect((await list({})).body.items[0].timestamp).toBe('2026-03-01T08:00:00.000Z');
      expect((await list({ from: '2026-03-01T08:00:00Z', to: '2026-03-01T09:59:59+01:00' })).body.total).toBe(1);
      expect((await list({ from: '2026-03-01T08:00:01Z' })).body.total).toBe(0);
      expect((await list({ from: '2026-03-01' })).body.total).toBe(1);
    });
  });

  describe('page and other query integers', () => {
    it.each(['10000001', '99999999999999999999', '9007199254740993', '1e3', '0x10', ' 2', '', '-1', '1.5'])(
      'refuses page=%s with 400',
      async (page) => {
        const response = await t.http().get('/api/v1/products').query({ page });
        expectErrorShape(response.body, 400);
        expect(response.body.details[0].field).toBe('page');
      },
    );

    it('serves the highest page (empty) on every engine', async () => {
      for (const path of [
        '/api/v1/products',
        '/api/v1/categories',
        '/api/v1/orders',
        '/api/v1/ingest/sensor-readings',
        '/api/v1/inference/records',
        '/api/v1/users',
        '/api/v1/models',
      ]) {
        const response = await t
          .http()
          .get(path)
          .query({ page: '10000000', pageSize: '100' })
          .set(bearer(t.adminToken));
        expect({ path, status: response.status, items: response.body.items }).toEqual({ path, status: 200, items: [] });
      }
    });
  });
});
