import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { JobProcessor, JobQueue } from './job-queue.js';

export const INFERENCE_JOBS_QUEUE = 'inference-jobs';

/** A dead worker's lock lapses after this long; BullMQ then hands its job to another worker. */
export const JOB_LOCK_MS = 10_000;

/** States in which BullMQ will still run (or is running) an entry. */
const PENDING_STATES = new Set<string>(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

@Injectable()
export class BullMqJobQueue extends JobQueue {
  readonly kind = 'bullmq' as const;

  constructor(@InjectQueue(INFERENCE_JOBS_QUEUE) private readonly queue: Queue) {
    super();
  }

  async enqueue(jobId: string): Promise<void> {
    // The database id is the BullMQ job id, so enqueuing twice (a retry, a recovery) adds nothing.
    await this.queue.add(
      'run',
      { jobId },
      { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    );
  }

  async ensurePending(jobId: string): Promise<boolean> {
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (PENDING_STATES.has(state)) return false;
      // A failed or completed entry keeps its id, and BullMQ ignores an add under a taken id:
      // remove it first. A lock held by a live worker makes remove throw; that job is not stranded.
      await existing.remove();
    }
    await this.enqueue(jobId);
    return true;
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }
}

/** One job at a time per process: inference is CPU-bound, more workers means more processes. */
@Processor(INFERENCE_JOBS_QUEUE, { concurrency: 1, lockDuration: JOB_LOCK_MS, stalledInterval: JOB_LOCK_MS / 2 })
export class BullMqJobWorker extends WorkerHost {
  constructor(private readonly processor: JobProcessor) {
    super();
  }

  async process(job: Job<{ jobId: string }>): Promise<void> {
    await this.processor.process(job.data.jobId);
  }
}
