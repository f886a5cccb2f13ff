import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

const sensorRows = (count: number) =>
  Array.from({ length: count }, (_, index) => [10 + (index % 40), 20 + (index % 70), 990 + (index % 50)]);

describe('job management: list, cancel, NDJSON results', () => {
  let t: TestApp;
  let alice: { token: string; id: number };
  let bob: { token: string; id: number };

  const submit = async (token: string, model: string, inputs: unknown[]) =>
    (await t.http().post(`/api/v1/inference/${model}/jobs`).set(bearer(token)).send({ inputs }).expect(202)).body
      .jobId as string;
  const job = async (id: string, token = alice.token) =>
    (await t.http().get(`/api/v1/inference/jobs/${id}`).set(bearer(token)).expect(200)).body;
  const finished = (id: string) => waitFor(async () => ((await job(id)).status === 'succeeded' ? true : undefined));
  const storedRows = async (id: string) =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM inference_job_results WHERE jobId = ?', [id]))[0].n);

  beforeAll(async () => {
    // A short reconcile interval: a cancelled job must not be picked up again by it.
    t = await createTestApp({ JOB_CHUNK_ROWS: '200', JOB_RECONCILE_INTERVAL_MS: '200' });
    alice = await t.customer();
    bob = await t.customer();
  });
  afterAll(() => t.close());

  it("lists the caller's jobs newest first (an admin's: everyone's) with status and model filters", async () => {
    const first = await submit(alice.token, 'sensor-anomaly', sensorRows(3));
    await finished(first);
    const second = await submit(alice.token, 'order-value', [[3, 20, 2, 5]]);
    await finished(second);
    const bobs = await submit(bob.token, 'sensor-anomaly', sensorRows(2));
    await waitFor(async () => ((await job(bobs, bob.token)).status === 'succeeded' ? true : undefined));

    const mine = await t.http().get('/api/v1/inference/jobs').set(bearer(alice.token)).expect(200);
    expect(mine.body).toMatchObject({
      total: 2,
      page: 1,
      pageSize: 20,
      totalPages: 1,
      hasNext: false,
      hasPrevious: false,
    });
    expect(mine.body.items.map((item: { jobId: string }) => item.jobId)).toEqual([second, first]);
    expect(mine.body.items[1]).toMatchObject({ status: 'succeeded', model: 'sensor-anomaly', totalRows: 3 });

    const byModel = await t
      .http()
      .get('/api/v1/inference/jobs')
      .query({ model: 'sensor-anomaly' })
      .set(bearer(alice.token))
      .expect(200);
    expect(byModel.body.items.map((item: { jobId: string }) => item.jobId)).toEqual([first]);
    const all = await t.http().get('/api/v1/inference/jobs').set(bearer(t.adminToken)).expect(200);
    expect(all.body.items.map((item: { jobId: string }) => item.jobId)).toEqual(
      expect.arrayContaining([first, second, bobs]),
    );
    const adminFiltered = await t
      .http()
      .get('/api/v1/inference/jobs')
      .query({ status: 'succeeded', model: 'sensor-anomaly', pageSize: 1 })
      .set(bearer(t.adminToken))
      .expect(200);
    expect(adminFiltered.body).toMatchObject({ total: 2, totalPages: 2, hasNext: true, items: [{ jobId: bobs }] });
    const none = await t
      .http()
      .get('/api/v1/inference/jobs')
      .query({ status: 'cancelled' })
      .set(bearer(alice.token))
      .expect(200);
    expect(none.body.total).toBe(0);

    expectErrorShape(
      (await t.http().get('/api/v1/inference/jobs').query({ status: 'done' }).set(bearer(alice.token)).expect(400))
        .body,
      400,
    );
    await t.http().get('/api/v1/inference/jobs').query({ pageSize: 101 }).set(bearer(alice.token)).expect(400);
    await t.http().get('/api/v1/inference/jobs').expect(401);
  });

  it('cancels a running job between chunks: it ends cancelled, keeps its finished rows, writes no more', async () => {
    const id = await submit(alice.token, 'sensor-anomaly', sensorRows(100_000));
    await waitFor(async () => ((await job(id)).processedRows > 0 ? true : undefined));
    const cancelled = await t.http().delete(`/api/v1/inference/jobs/${id}`).set(bearer(alice.token)).expect(200);
    expect(cancelled.body).toMatchObject({ jobId: id, status: 'cancelled', finishedAt: expect.any(String) });

    await sleep(1500);
    const after = await job(id);
    expect(after.status).toBe('cancelled');
    expect(after.processedRows).toBeLessThan(100_000);
    expect(after.result).toEqual({
      rowCount: after.processedRows,
      resultsPath: `/api/v1/inference/jobs/${id}/results`,
    });
    // Progress and stored rows agree: the chunk in flight at the cancel was either counted or rolled back.
    expect(await storedRows(id)).toBe(after.processedRows);
    await sleep(1000);
    expect(await storedRows(id)).toBe(after.processedRows);
    expect((await job(id)).status).toBe('cancelled');

    const page = await t
      .http()
      .get(`/api/v1/inference/jobs/${id}/results`)
      .query({ pageSize: 5 })
      .set(bearer(alice.token))
      .expect(200);
    expect(page.body.total).toBe(after.processedRows);
    expect(page.body.items.map((item: { row: number }) => item.row)).toEqual([0, 1, 2, 3, 4]);
    const listed = await t
      .http()
      .get('/api/v1/inference/jobs')
      .query({ status: 'cancelled' })
      .set(bearer(alice.token))
      .expect(200);
    expect(listed.body.items.map((item: { jobId: string }) => item.jobId)).toEqual([id]);

    // Cancelling again, or cancelling a finished job, is a conflict with a domain code.
    const again = await t.http().delete(`/api/v1/inference/jobs/${id}`).set(bearer(alice.token)).expect(409);
    expect(expectErrorShape(again.body, 409).code).toBe('JOB_ALREADY_FINISHED');
  });

  it("answers 409 for a finished job, 404 for someone else's, and lets an admin cancel anyone's", async () => {
    const done = await submit(alice.token, 'order-value', [[1, 2, 3, 4]]);
    await finished(done);
    const conflict = await t.http().delete(`/api/v1/inference/jobs/${done}`).set(bearer(alice.token)).expect(409);
    expect(expectErrorShape(conflict.body, 409)).toMatchObject({
      code: 'JOB_ALREADY_FINISHED',
      message: expect.stringContaining('succeeded'),
    });
    expect((await job(done)).status).toBe('succeeded');

    const running = await submit(alice.token, 'sensor-anomaly', sensorRows(50_000));
    expectErrorShape(
      (await t.http().delete(`/api/v1/inference/jobs/${running}`).set(bearer(bob.token)).expect(404)).body,
      404,
    );
    await t
      .http()
      .delete('/api/v1/inference/jobs/00000000-0000-4000-8000-000000000000')
      .set(bearer(alice.token))
      .expect(404);
    await t.http().delete('/api/v1/inference/jobs/not-a-uuid').set(bearer(alice.token)).expect(400);
    const byAdmin = await t.http().delete(`/api/v1/inference/jobs/${running}`).set(bearer(t.adminToken));
    // The job may have finished on a fast machine; otherwise the admin's cancel wins.
    if (byAdmin.status === 409) expect((await job(running)).status).toBe('succeeded');
    else expect(byAdmin.body.status).toBe('cancelled');
  });

  it('streams the results of a 100 000-row job as NDJSON, every row once and in order', async () => {
    const id = await submit(alice.token, 'order-value', [[1, 2, 3, 4]]);
    await finished(id);
    // 100 000 result rows, stored directly: the stream is under test, not the runner.
    await t.dataSource.query('DELETE FROM inference_job_results WHERE jobId = ?', [id]);
    for (let first = 0; first < 100_000; first += 2000) {
      const values = Array.from(
        { length: 2000 },
        (_, offset) => `('${id}', ${first + offset}, '{"value":${first + offset}}')`,
      ).join(',');
      await t.dataSource.query(`INSERT INTO inference_job_results (jobId, rowIndex, prediction) VALUES ${values}`);
    }
    await t.dataSource.query('UPDATE inference_jobs SET totalRows = 100000, processedRows = 100000 WHERE id = ?', [id]);

    const response = await t
      .http()
      .get(`/api/v1/inference/jobs/${id}/results.ndjson`)
      .set(bearer(alice.token))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (response.body as string).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(100_000);
    lines.forEach((line, index) => {
      if (line !== `{"row":${index},"prediction":{"value":${index}}}`) throw new Error(`line ${index} is ${line}`);
    });

    const hidden = await t.http().get(`/api/v1/inference/jobs/${id}/results.ndjson`).set(bearer(bob.token)).expect(404);
    expectErrorShape(hidden.body, 404);
    expect(hidden.headers['content-type']).toMatch(/application\/json/);
  });
});
