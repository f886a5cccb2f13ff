import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MetricsService } from '../../metrics/metrics.service.js';
import { JobQueue } from './job-queue.js';
import { JobsRepository } from './jobs.repository.js';

/**
 * At boot, enqueues every job the database says is queued or running: a job accepted by a process
 * that died before finishing it runs again. Also publishes the queue depth for /metrics.
 */
@Injectable()
export class JobRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobRecovery.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.metrics.onScrape(async () => {
      const counts = await this.jobs.countByStatus();
      this.metrics.jobQueueDepth.set({ state: 'queued' }, counts.queued ?? 0);
      this.metrics.jobQueueDepth.set({ state: 'running' }, counts.running ?? 0);
    });
    const unfinished = await this.jobs.findUnfinished();
    for (const job of unfinished) await this.queue.enqueue(job.id);
    if (unfinished.length) this.logger.log(`Re-enqueued ${unfinished.length} unfinished job(s) on the ${this.queue.kind} queue`);
  }
}
