import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A job runs on the version pinned at submission to the end, even when a newer version is
 * deployed (and the old one retired) while it runs; and chunk storage takes every row predict
 * takes, whatever the length of its numbers.
 */
describe.each([
  // 4096 rows per chunk (the maximum): a chunk of 17-digit rows is far longer than a TEXT column's 64 KB.
  ['long numbers', '4096'],
  // Small chunks keep a job running long enough for a deploy to happen in the middle.
  ['pinned versions', '16'],
])('jobs: %s', (part, chunkRows) => {
  let t: TestApp;
  let owner: { token: string; id: number };

  beforeAll(async () => {
    t = await createTestApp({ JOB_CHUNK_ROWS: chunkRows });
    owner = await t.customer();
  });
  afterAll(() => t.close());
  const only = (name: string) => (part === name ? it : it.skip);

  const status = async (jobId: string) =>
    (await t.http().get(`/api/v1/inference/jobs/${jobId}`).set(bearer(owner.token)).expect(200)).body;
  const finished = (jobId: string) =>
    waitFor(
      async () =>
        ((current) => (['succeeded', 'failed'].includes(current.status) ? current : undefined))(await status(jobId)),
      60_000,
      100,
    );

  async function expectResultsEqualPredict(jobId: string, rows: number[][], version: string) {
    for (const page of [1, 5, Math.ceil(rows.length / 100)]) {
      const results = await t
        .http()
        .get(`/api/v1/inference/jobs/${jobId}/results`)
        .query({ page, pageSize: 100 })
        .set(bearer(owner.token))
        .expect(200);
      const slice = rows.slice((page - 1) * 100, page * 100);
      const sync = await t
        .http()
        .post('/api/v1/inference/sensor-anomaly/predict')
        .set(bearer(owner.token))
        .send({ inputs: slice, version })
        .expect(200);
      expect(results.body.items.map((item: { prediction: unknown }) => item.prediction)).toEqual(sync.body.predictions);
    }
  }

  only('long numbers')('stores and runs rows of 17-significant-digit and tiny numbers', async () => {
    const long = [
      1.2345678901234567, -9.876543210987654e-7, 1e-300, 5e-324, 123456789.01234567, -2.2250738585072014e-308,
      3.0000000000000003e30,
    ];
    // The first rows are short, so an estimate of row length from them would be far too small.
    const rows = Array.from({ length: 6000 }, (_, index) =>
      index < 16
        ? [0, 0, 0]
        : [long[index % 7], long[(index + 3) % 7] * (index % 2 ? 1 : -1), 1000 + long[(index + 5) % 7]],
    );
    const accepted = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(owner.token))
      .send({ inputs: rows })
      .expect(202);
    expect(await finished(accepted.body.jobId)).toMatchObject({ status: 'succeeded', processedRows: rows.length });
    await expectResultsEqualPredict(accepted.body.jobId, rows, '1.0.0');
  });

  only('pinned versions')(
    'finishes a job on its pinned version after a newer version is deployed',
    async () => {
      const artifact = sensorArtifact();
      await attachUpload(t.http().post('/api/v1/models').set(bearer(t.adminToken)), {
        modelJson: artifact.modelJson,
        weights: [{ name: 'weights.bin', data: artifact.weights[0].data }],
        fields: sensorFields('2.0.0'),
      }).expect(201);
      const rows = Array.from({ length: 6000 }, (_, index) => [
        10 + (index % 40),
        20 + (index % 70),
        990 + (index % 50),
      ]);
      const accepted = await t
        .http()
        .post('/api/v1/inference/sensor-anomaly/jobs')
        .set(bearer(owner.token))
        .send({ inputs: rows, version: '1.0.0' })
        .expect(202);
      const jobId = accepted.body.jobId as string;
      await waitFor(async () => ((await status(jobId)).processedRows > 0 ? true : undefined), 30_000, 10);
      await t.http().post('/api/v1/models/sensor-anomaly/versions/2.0.0/deploy').set(bearer(t.adminToken)).expect(200);
      // Meaningful only if the deploy happened mid-job.
      expect((await status(jobId)).status).toBe('running');
      const done = await finished(jobId);
      expect(done).toMatchObject({ status: 'succeeded', version: '1.0.0', processedRows: rows.length });
      // 1.0.0 is retired: predict no longer serves it, and the job's copy was freed at its end.
      await t
        .http()
        .post('/api/v1/inference/sensor-anomaly/predict')
        .set(bearer(owner.token))
        .send({ inputs: rows.slice(0, 1), version: '1.0.0' })
        .expect(404);
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body.checks.inference.loadedModels).not.toContain('sensor-anomaly@1.0.0');
    },
    120_000,
  );
});
