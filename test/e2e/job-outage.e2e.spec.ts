import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { testEngine } from '../setup/test-database.js';

const ROWS = 20_000;

/**
 * A database outage in the middle of a job: the job pauses (each step retried with back-off) and
 * ends `succeeded` once the database is back, with every row's result written exactly once. The
 * app reaches MariaDB through a proxy the test cuts and restores.
 */
(testEngine() === 'mariadb' ? describe : describe.skip)('a job across a database outage (MariaDB)', () => {
  let t: TestApp;
  const proxy = new TcpProxy(
    '127.0.0.1',
    Number(new URL(process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306').port || 3306),
  );

  beforeAll(async () => {
    const port = await proxy.start();
    t = await createTestApp({
      DATABASE_POOL_SIZE: '4',
      JOB_CHUNK_ROWS: '16',
      JOB_RECONCILE_INTERVAL_MS: '500',
      __DATABASE_PROXY_PORT__: String(port),
    });
  });
  afterAll(async () => {
    await proxy.restore();
    await t?.close();
    await proxy.stop();
  });

  it('ends succeeded after the database comes back', async () => {
    const owner = await t.customer();
    const rows = Array.from({ length: ROWS }, (_, index) => [10 + (index % 40), 20 + (index % 70), 990 + (index % 50)]);
    const accepted = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(owner.token))
      .send({ inputs: rows })
      .expect(202);
    const jobId = accepted.body.jobId as string;
    // The database comes back under this poll: a 503 while its pool reconnects is part of the outage.
    const status = async () =>
      (await t.http({ serverErrors: 'expected' }).get(`/api/v1/inference/jobs/${jobId}`).set(bearer(owner.token))).body;
    await waitFor(async () => ((await status()).processedRows > 0 ? true : undefined), 30_000, 10);

    await proxy.cut();
    // Long enough for several failed steps of the job (the first retries come within a second).
    await waitFor(
      async () => ((await t.http({ serverErrors: 'expected' }).get('/health/ready')).status === 503 ? true : undefined),
      10_000,
      50,
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await proxy.restore();

    const done = await waitFor(
      async () =>
        ((current) => (current.status === 'succeeded' || current.status === 'failed' ? current : undefined))(
          await status(),
        ),
      60_000,
      200,
    );
    expect(done).toMatchObject({ status: 'succeeded', processedRows: ROWS, totalRows: ROWS });
    const counted = await t.dataSource.query(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT rowIndex) AS d, MIN(rowIndex) AS lo, MAX(rowIndex) AS hi ' +
        'FROM inference_job_results WHERE jobId = ?',
      [jobId],
    );
    expect(counted[0]).toEqual({ n: expect.anything(), d: expect.anything(), lo: 0, hi: ROWS - 1 });
    expect(Number(counted[0].n)).toBe(ROWS);
    expect(Number(counted[0].d)).toBe(ROWS);
    const last = await t
      .http()
      .get(`/api/v1/inference/jobs/${jobId}/results`)
      .query({ page: ROWS / 100, pageSize: 100 })
      .set(bearer(owner.token))
      .expect(200);
    const sync = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(owner.token))
      .send({ inputs: rows.slice(ROWS - 100) })
      .expect(200);
    expect(last.body.items.map((item: { prediction: unknown }) => item.prediction)).toEqual(sync.body.predictions);
  }, 150_000);
});
