import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { INFERENCE_JOBS_QUEUE } from '@app/serving/inference/jobs/bullmq-job-queue.js';
import { InferenceJobChunk } from '@app/serving/inference/jobs/inference-job-chunk.entity.js';
import { InferenceJob } from '@app/serving/inference/jobs/inference-job.entity.js';
import { JobReconciler } from '@app/serving/inference/jobs/job-reconciler.service.js';
import { JobsRepository } from '@app/serving/inference/jobs/jobs.repository.js';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/services.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

// In-process (createInProcessApp), not the shipped bundle: it plants a lost job with JobsRepository and calls
// JobReconciler.reconcile() and the BullMQ queue directly.

const ROWS = [
  [21, 45, 1012],
  [80, 95, 900],
  [-30, 5, 1100],
];

/**
 * A job whose row says queued but that no queue entry will run (its enqueue was lost, or its
 * BullMQ entry failed) is found by the periodic reconciler and run to the end, after boot: the
 * boot-time recovery alone would never see it.
 */
const reconcilerSuite = (queueKind: 'in-process' | 'bullmq', env: Record<string, string>) => () => {
  let t: InProcessApp;
  let owner: { token: string; id: number };

  beforeAll(async () => {
    t = await createInProcessApp({ ...env, JOB_RECONCILE_INTERVAL_MS: '300' });
    owner = await t.customer();
  });
  afterAll(() => t.close());

  /**
   * Stores a queued job exactly as a submission does, but never enqueues it (Redis was down, or the
   * process died in between).
   */
  async function storeWithoutEnqueue(id = randomUUID()): Promise<string> {
    const job = Object.assign(new InferenceJob(), {
      id,
      userId: owner.id,
      model: 'sensor-anomaly',
      version: '1.0.0',
      status: 'queued',
      totalRows: ROWS.length,
      processedRows: 0,
      chunkCount: 1,
      attempts: 0,
      error: null,
      finishedAt: null,
    });
    const chunk = Object.assign(new InferenceJobChunk(), {
      jobId: id,
      chunkIndex: 0,
      firstRow: 0,
      rowCount: ROWS.length,
      inputs: ROWS,
      done: false,
    });
    await t.app.get(JobsRepository).createWithChunks(job, [chunk]);
    return id;
  }

  const finished = (jobId: string) =>
    waitFor(
      async () => {
        const response = await t.http().get(`/api/v1/inference/jobs/${jobId}`).set(bearer(owner.token)).expect(200);
        return ['succeeded', 'failed'].includes(response.body.status) ? response.body : undefined;
      },
      20_000,
      100,
    );

  async function expectCorrectResults(jobId: string) {
    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'succeeded', processedRows: ROWS.length });
    const sync = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(owner.token))
      .send({ inputs: ROWS })
      .expect(200);
    expect(done.result.predictions).toEqual(sync.body.predictions);
  }

  it('runs a job that was stored but never enqueued', async () => {
    const jobId = await storeWithoutEnqueue();
    await expectCorrectResults(jobId);
  });

  it('never runs a finished job again', async () => {
    const jobId = await storeWithoutEnqueue();
    await expectCorrectResults(jobId);
    expect(await t.app.get(JobReconciler).reconcile()).toBe(0);
    const results = await t.http().get(`/api/v1/inference/jobs/${jobId}/results`).set(bearer(owner.token)).expect(200);
    expect(results.body.total).toBe(ROWS.length);
    expect(results.body.items.map((item: { row: number }) => item.row)).toEqual([0, 1, 2]);
  });

  (queueKind === 'bullmq' ? it : it.skip)(
    'replaces a BullMQ entry that failed while the row stayed queued',
    async () => {
      const jobId = randomUUID();
      const queue = t.app.get<Queue>(getQueueToken(INFERENCE_JOBS_QUEUE));
      // An entry under the job's id that ends `failed` (in production: its retries used up during a
      // database outage). Here its payload is empty, so the worker throws.
      const entry = await queue.add('run', null, { jobId, attempts: 1, removeOnFail: 1000 });
      await waitFor(async () => ((await entry.getState()) === 'failed' ? true : undefined), 10_000, 50);
      await storeWithoutEnqueue(jobId);
      await expectCorrectResults(jobId);
    },
  );
};

describe('job reconciler (in-process queue)', reconcilerSuite('in-process', {}));
describeWithRedis(
  'job reconciler (bullmq queue)',
  reconcilerSuite('bullmq', { REDIS_URL, REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}` }),
);
