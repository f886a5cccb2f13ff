import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

const reading = (index: number, overrides: Record<string, unknown> = {}) => ({
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
  sensorId: `sensor-${index % 3}`,
  temperature: 20 + (index % 5),
  humidity: 40 + (index % 10),
  pressure: 1010,
  ...overrides,
});

describe('ingestion', () => {
  let t: TestApp;
  let token: string;
  const ingest = (body: unknown, query: Record<string, string> = {}) =>
    t
      .http()
      .post('/api/v1/ingest/sensor-readings')
      .query(query)
      .set(bearer(token))
      .send(body as object);
  const count = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM sensor_readings'))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    token = (await t.customer()).token;
  });
  afterAll(() => t.close());

  it('stores the valid rows and reports each invalid one by index with its fields', async () => {
    const body = [
      reading(0),
      reading(1, { temperature: 150 }),
      reading(2, { humidity: -1, sensorId: '' }),
      reading(3, { timestamp: 'yesterday' }),
      'junk',
      reading(5, { extra: 1 }),
      reading(6),
    ];
    const response = await ingest(body).expect(201);
    expect(response.body.accepted).toBe(2);
    expect(response.body.rejected.map((row: { index: number }) => row.index)).toEqual([1, 2, 3, 4, 5]);
    expect(response.body.rejected[0].details).toEqual([
      { field: 'temperature', message: 'temperature must not be greater than 100' },
    ]);
    expect(response.body.rejected[1].details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'humidity',
      'sensorId',
    ]);
    expect(response.body.rejected[3].details[0].field).toBe('row');
    expect(response.body.rejected[4].details[0]).toEqual({
      field: 'extra',
      message: 'property extra should not exist',
    });
    expect(await count()).toBe(2);
  });

  it('scores stored rows with the shipped sensor-anomaly model', async () => {
    const body = [
      reading(10),
      reading(11, { temperature: 95 }),
      reading(12, { humidity: 99, temperature: 50 }),
      reading(13, { pressure: undefined }),
    ];
    const response = await ingest(body, { model: 'sensor-anomaly' }).expect(201);
    expect(response.body).toMatchObject({ accepted: 3, anomalies: 2, scoredBy: 'sensor-anomaly@1.0.0' });
    expect(response.body.rejected).toEqual([
      { index: 3, details: [{ field: 'pressure', message: 'pressure is required by the scoring model' }] },
    ]);
    const flagged = await t
      .http()
      .get('/api/v1/ingest/sensor-readings')
      .query({ isAnomaly: true })
      .set(bearer(token))
      .expect(200);
    expect(flagged.body.total).toBe(2);
    expect(flagged.body.items[0]).toMatchObject({
      isAnomaly: true,
      scoredBy: 'sensor-anomaly@1.0.0',
      anomalyScore: expect.any(Number),
    });
    const normal = await t
      .http()
      .get('/api/v1/ingest/sensor-readings')
      .query({ isAnomaly: false })
      .set(bearer(token))
      .expect(200);
    expect(normal.body.items.map((row: { temperature: number }) => row.temperature)).toEqual([20]);
  });

  it('refuses a model that cannot score readings, an unknown model, a non-array and too many rows', async () => {
    expectErrorShape((await ingest([reading(0)], { model: 'order-value' }).expect(400)).body, 400);
    await ingest([reading(0)], { model: 'missing-model' }).expect(404);
    await ingest({ timestamp: 'x' }).expect(400);
    await ingest([]).expect(400);
    const before = await count();
    await ingest(Array.from({ length: 10_001 }, (_, index) => reading(index))).expect(400);
    expect(await count()).toBe(before);
  });

  it('accepts 10 000 rows in one request and lists them with filters and pagination', async () => {
    const response = await ingest(Array.from({ length: 10_000 }, (_, index) => reading(100 + index))).expect(201);
    expect(response.body).toEqual({ accepted: 10_000, rejected: [] });
    const page = await t
      .http()
      .get('/api/v1/ingest/sensor-readings')
      .query({ sensorId: 'sensor-1', pageSize: 50 })
      .set(bearer(token))
      .expect(200);
    expect(page.body.items.every((row: { sensorId: string }) => row.sensorId === 'sensor-1')).toBe(true);
    const timestamps = page.body.items.map((row: { timestamp: string }) => row.timestamp);
    expect([...timestamps].sort().reverse()).toEqual(timestamps);
    const window = await t
      .http()
      .get('/api/v1/ingest/sensor-readings')
      .query({ from: '2026-01-01T00:10:00Z', to: '2026-01-01T00:12:00Z' })
      .set(bearer(token))
      .expect(200);
    expect(window.body.items.map((row: { timestamp: string }) => row.timestamp).sort()).toEqual([
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:11:00.000Z',
      '2026-01-01T00:12:00.000Z',
    ]);
    await t.http().get('/api/v1/ingest/sensor-readings').query({ from: 'not-a-date' }).set(bearer(token)).expect(400);
    await t.http().get('/api/v1/ingest/sensor-readings').expect(401);
  });
});
