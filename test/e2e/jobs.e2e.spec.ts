import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers/services.js';
import { waitFor } from '../helpers/wait-for.js';

// The same suite over both queues; the BullMQ one needs Redis (skipped, announced, without it).
const jobsSuite = (env: Record<string, string>) => () => {
  let t: TestApp;
  let owner: { token: string; id: number };
  const sensorRows = (count: number) =>
    Array.from({ length: count }, (_, index) => [10 + (index % 40), 20 + (index % 70), 990 + (index % 50)]);

  const finished = (jobId: string, token = owner.token): Promise<Record<string, any>> =>
    waitFor(async () => {
      const response = await t.http().get(`/api/v1/inference/jobs/${jobId}`).set(bearer(token)).expect(200);
      return ['succeeded', 'failed'].includes(response.body.status) ? response.body : undefined;
    });

  beforeAll(async () => {
    t = await createTestApp({ ...env, JOB_CHUNK_ROWS: '512' });
    owner = await t.customer();
  });
  afterAll(() => t.close());

  it('accepts a job with 202 at once, runs it in chunks, and its results equal synchronous predictions', async () => {
    const rows = sensorRows(5000);
    const accepted = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(owner.token))
      .send({ inputs: rows })
      .expect(202);
    expect(accepted.body).toEqual({ jobId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued' });
    const done = await finished(accepted.body.jobId);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: 1,
      model: 'sensor-anomaly',
      version: '1.0.0',
      totalRows: 5000,
      processedRows: 5000,
      finishedAt: expect.any(String),
    });
    expect(done.result).toEqual({
      rowCount: 5000,
      resultsPath: `/api/v1/inference/jobs/${accepted.body.jobId}/results`,
    });

    const page = await t
      .http()
      .get(`/api/v1/inference/jobs/${accepted.body.jobId}/results`)
      .query({ page: 3, pageSize: 100 })
      .set(bearer(owner.token))
      .expect(200);
    expect(page.body).toMatchObject({
      total: 5000,
      page: 3,
      pageSize: 100,
      totalPages: 50,
      hasNext: true,
      hasPrevious: true,
    });
    expect(page.body.items[0].row).toBe(200);
    const sync = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(owner.token))
      .send({ inputs: rows.slice(200, 300) })
      .expect(200);
    expect(page.body.items.map((item: { prediction: unknown }) => item.prediction)).toEqual(sync.body.predictions);
  });

  it('returns small results inline and accepts object rows', async () => {
    const accepted = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(owner.token))
      .send({
        inputs: [
          { temperature: 21, humidity: 45, pressure: 1012 },
          { temperature: 90, humidity: 45, pressure: 1012 },
        ],
      })
      .expect(202);
    const done = await finished(accepted.body.jobId);
    expect(done.result.predictions.map((prediction: { label: string }) => prediction.label)).toEqual([
      'normal',
      'anomaly',
    ]);
  });

  it('refuses bad rows, too many rows and unknown models before accepting anything', async () => {
    const bad = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(owner.token))
      .send({
        inputs: [
          [1, 2, 3],
          [1, 2],
        ],
      })
      .expect(400);
    expect(expectErrorShape(bad.body, 400).details[0].field).toBe('inputs.1');
    const tooMany = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(owner.token))
      .send({ inputs: sensorRows(100_001) })
      .expect(400);
    expect(tooMany.body.code).toBe('INFERENCE_INPUT_INVALID');
    expect(tooMany.body.details[0].message).toMatch(/at most 100000 rows/);
    expect(
      (
        await t
          .http()
          .post('/api/v1/inference/nope/jobs')
          .set(bearer(owner.token))
          .send({ inputs: [[1, 2, 3]] })
          .expect(404)
      ).body.code,
    ).toBe('MODEL_NOT_DEPLOYED');
    const count = await t.dataSource.query('SELECT COUNT(*) AS n FROM inference_jobs WHERE userId = ?', [owner.id]);
    expect(Number(count[0].n)).toBe(2);
  });

  it("hides another customer's job and lets an admin see it", async () => {
    const accepted = await t
      .http()
      .post('/api/v1/inference/order-value/jobs')
      .set(bearer(owner.token))
      .send({ inputs: [[3, 20, 2, 5]] })
      .expect(202);
    const stranger = await t.customer();
    expectErrorShape(
      (await t.http().get(`/api/v1/inference/jobs/${accepted.body.jobId}`).set(bearer(stranger.token)).expect(404))
        .body,
      404,
    );
    await t.http().get(`/api/v1/inference/jobs/${accepted.body.jobId}/results`).set(bearer(stranger.token)).expect(404);
    const done = await finished(accepted.body.jobId, t.adminToken);
    expect((done as { result: { predictions: { value: number }[] } }).result.predictions[0].value).toEqual(
      expect.any(Number),
    );
    await t.http().get('/api/v1/inference/jobs/not-a-uuid').set(bearer(owner.token)).expect(400);
  });

  it('reports the queue depth in /metrics', async () => {
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/inference_job_queue_depth\{state="queued"\} \d+/);
  });
};

describe('inference jobs (in-process queue)', jobsSuite({}));
describeWithRedis(
  'inference jobs (bullmq queue)',
  jobsSuite({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}` }),
);
