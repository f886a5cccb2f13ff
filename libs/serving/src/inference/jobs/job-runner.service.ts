import { setImmediate as nextTurn } from 'node:timers/promises';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@app/common';
import { classifyDbError } from '@app/database';
import { ModelResidency } from '../../models/model-residency.js';
import { ModelSyncService } from '../../models/model-sync.service.js';
import { InferenceService } from '../inference.service.js';
import { retryWhileDbUnavailable } from './db-retry.js';
import { JobProcessor } from './job-queue.js';
import { JobsRepository } from './jobs.repository.js';

/** How long one step of a job waits out a database outage before handing the job back to the queue. */
const DB_OUTAGE_BUDGET_MS = 60_000;

/**
 * Runs a job chunk by chunk. Each chunk's results, its done mark and the progress are written in
 * one transaction, so a job stopped at any point resumes where it was and never writes a row
 * twice. Between chunks it yields to the event loop, so HTTP requests are not starved. The job
 * runs on its pinned version, held for the whole job even if a newer one is deployed meanwhile.
 */
@Injectable()
export class JobRunner extends JobProcessor implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private stopping = false;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly inference: InferenceService,
    private readonly residency: ModelResidency,
    private readonly sync: ModelSyncService,
  ) {
    super();
  }

  beforeApplicationShutdown(): void {
    // The current chunk finishes; the job stays `running` and is resumed by the next process.
    this.stopping = true;
  }

  async process(jobId: string): Promise<void> {
    // A worker may start consuming before its models are loaded: wait for the boot-time load.
    await this.sync.ready;
    if (this.stopping || !(await this.db(() => this.jobs.claim(jobId)))) return;
    const job = await this.db(() => this.jobs.findById(jobId));
    if (!job) return;
    try {
      const model = await this.residency.hold(job.model, job.version);
      try {
        for (const chunk of await this.db(() => this.jobs.pendingChunks(jobId))) {
          if (this.stopping) return;
          // Cancelled (DELETE) since the last chunk: stop here; the rows done so far stay.
          if ((await this.db(() => this.jobs.statusOf(jobId))) !== 'running') return;
          const result = await this.inference.predict({
            name: job.model,
            version: job.version,
            model,
            inputs: chunk.inputs,
            userId: job.userId,
            source: 'job',
            maxRows: chunk.rowCount,
          });
          if (!(await this.db(() => this.jobs.completeChunk(chunk, result.predictions)))) return;
          await nextTurn();
        }
      } finally {
        this.residency.release(model.key);
      }
      await this.db(() => this.jobs.finish(jobId, { status: 'succeeded' }));
    } catch (error) {
      // A database outage longer than the retries is not the job's fault: the queue (or the
      // reconciler) runs it again later, and it resumes at its first unfinished chunk.
      if (classifyDbError(error) === 'unavailable') throw error;
      const reason = error instanceof DomainError ? error.message : 'The job failed unexpectedly';
      this.logger.error(`Job ${jobId} failed: ${(error as Error).message}`);
      await this.db(() => this.jobs.finish(jobId, { status: 'failed', error: reason }));
    }
  }

  /** One idempotent step of a job, retried with back-off while the database is unreachable. */
  private db<T>(step: () => Promise<T>): Promise<T> {
    return retryWhileDbUnavailable(step, {
      budgetMs: DB_OUTAGE_BUDGET_MS,
      stopping: () => this.stopping,
      onRetry: (error, delayMs) =>
        this.logger.warn(`Database unavailable during a job (${(error as Error).message}); retrying in ${delayMs} ms`),
    });
  }
}
