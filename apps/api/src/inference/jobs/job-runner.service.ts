import { setImmediate as nextTurn } from 'node:timers/promises';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@app/common';
import { classifyDbError } from '@app/database';
import { ModelSyncService } from '../../models/model-sync.service.js';
import { ModelsService } from '../../models/models.service.js';
import { InferenceService } from '../inference.service.js';
import { JobProcessor } from './job-queue.js';
import { JobsRepository } from './jobs.repository.js';

/**
 * Runs a job chunk by chunk. Each chunk's results, its done mark and the progress are written in
 * one transaction, so a job stopped at any point resumes where it was and never writes a row
 * twice. Between chunks it yields to the event loop, so HTTP requests are not starved.
 */
@Injectable()
export class JobRunner extends JobProcessor implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private stopping = false;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly inference: InferenceService,
    private readonly models: ModelsService,
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
    if (this.stopping || !(await this.jobs.claim(jobId))) return;
    const job = await this.jobs.findById(jobId);
    if (!job) return;
    try {
      await this.ensureDeployedHere(job.model, job.version);
      for (const chunk of await this.jobs.pendingChunks(jobId)) {
        if (this.stopping) return;
        const result = await this.inference.predict({
          name: job.model,
          version: job.version,
          inputs: JSON.parse(chunk.inputs) as unknown,
          userId: job.userId,
          source: 'job',
          maxRows: chunk.rowCount,
        });
        await this.jobs.completeChunk(chunk, result.predictions);
        await nextTurn();
      }
      await this.jobs.finish(jobId, { status: 'succeeded' });
    } catch (error) {
      // A database outage is not the job's fault: let the queue retry it later.
      if (classifyDbError(error) === 'unavailable') throw error;
      const reason = error instanceof DomainError ? error.message : 'The job failed unexpectedly';
      this.logger.error(`Job ${jobId} failed: ${(error as Error).message}`);
      await this.jobs.finish(jobId, { status: 'failed', error: reason });
    }
  }

  /** A version deployed through another process may not be loaded here yet: sync once before giving up. */
  private async ensureDeployedHere(name: string, version: string): Promise<void> {
    try {
      this.models.resolve(name, version);
    } catch {
      await this.sync.sync();
    }
  }
}
