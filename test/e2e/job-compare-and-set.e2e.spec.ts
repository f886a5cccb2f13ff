import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InferenceJobChunk } from '@app/serving/inference/jobs/inference-job-chunk.entity.js';
import { InferenceJob } from '@app/serving/inference/jobs/inference-job.entity.js';
import { JobsRepository } from '@app/serving/inference/jobs/jobs.repository.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: it calls JobsRepository's compare-and-set
// writes directly, as a chunk in flight and the finish step would after a cancel.

describe('job writes after a cancel', () => {
  let t: InProcessApp;
  let alice: { token: string; id: number };

  const job = async (id: string) =>
    (await t.http().get(`/api/v1/inference/jobs/${id}`).set(bearer(alice.token)).expect(200)).body;
  const storedRows = async (id: string) =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM inference_job_results WHERE jobId = ?', [id]))[0].n);

  beforeAll(async () => {
    t = await createInProcessApp();
    alice = await t.customer();
  });
  afterAll(() => t.close());

  it('lets no chunk in flight nor the finish step write to a cancelled job (compare-and-set on running)', async () => {
    const repository = t.app.get(JobsRepository);
    const id = '00000000-0000-4000-8000-0000000c0ffe';
    // Stored as cancelled from the start, so no runner or reconciler takes it meanwhile.
    const stored = Object.assign(new InferenceJob(), {
      id,
      userId: alice.id,
      model: 'order-value',
      version: '1.0.0',
      status: 'cancelled',
      totalRows: 2,
      processedRows: 0,
      chunkCount: 1,
      attempts: 1,
      error: null,
      finishedAt: new Date().toISOString(),
    });
    const chunk = Object.assign(new InferenceJobChunk(), {
      jobId: id,
      chunkIndex: 0,
      firstRow: 0,
      rowCount: 2,
      inputs: [
        [1, 2, 3, 4],
        [1, 2, 3, 4],
      ],
      done: false,
    });
    await repository.createWithChunks(stored, [chunk]);

    expect(await repository.completeChunk(chunk, [{ value: 1 }, { value: 2 }])).toBe(false);
    await repository.finish(id, { status: 'succeeded' });
    await repository.finish(id, { status: 'failed', error: 'late' });
    expect(await storedRows(id)).toBe(0);
    const after = await job(id);
    expect(after).toMatchObject({ status: 'cancelled', processedRows: 0 });
    expect(after.error).toBeUndefined();
    const [row] = await t.dataSource.query('SELECT done FROM inference_job_chunks WHERE jobId = ?', [id]);
    expect(Number(row.done)).toBe(0);
  });
});
