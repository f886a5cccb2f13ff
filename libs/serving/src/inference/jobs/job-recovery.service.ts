import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { MetricsService } from '../../metrics/metrics.service.js';
import { JobsRepository } from './jobs.repository.js';

/**
 * Publishes the job queue depth for /metrics. (Unfinished jobs are enqueued again at boot and
 * periodically by JobReconciler.)
 */
@Injectable()
export class JobRecovery implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.metrics.onScrape(async () => {
      const counts = await this.jobs.countByStatus();
      this.metrics.jobQueueDepth.set({ state: 'queued' }, counts.queued ?? 0);
      this.metrics.jobQueueDepth.set({ state: 'running' }, counts.running ?? 0);
    });
  }
}
