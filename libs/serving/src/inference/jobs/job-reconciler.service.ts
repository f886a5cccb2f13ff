import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobQueue } from './job-queue.js';
import { JobsRepository } from './jobs.repository.js';

/** Unfinished jobs looked at per pass, oldest first (the rest wait for the next pass). */
const RECONCILE_BATCH = 1000;

/**
 * Finds jobs the database says are queued or running but that no queue entry will run, and
 * enqueues them again: at boot and then every JOB_RECONCILE_INTERVAL_MS. That covers a job whose
 * entry failed (retries used up during a database outage), vanished (Redis flushed), completed
 * while the row stayed unfinished (a runner stopped by shutdown), or was never added (Redis down
 * at submission, a process killed between the insert and the enqueue). The queue answers "is an
 * entry pending?"; an extra entry is harmless, because the runner's atomic claim refuses a
 * finished job and BullMQ's job id is the row's id.
 */
@Injectable()
export class JobReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobReconciler.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<number>;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
    const interval = this.config.jobs.reconcileIntervalMs;
    if (interval > 0) {
      this.timer = setInterval(() => void this.reconcile(), interval);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; never rejects (a failing database or Redis is logged and tried again next pass). */
  reconcile(): Promise<number> {
    this.pass ??= this.run()
      .catch((error: unknown) => {
        this.logger.warn(`Job reconciliation failed: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async run(): Promise<number> {
    let enqueued = 0;
    for (const id of await this.jobs.findUnfinishedIds(RECONCILE_BATCH)) {
      try {
        if (await this.queue.ensurePending(id)) enqueued += 1;
      } catch (error) {
        this.logger.warn(`Could not re-enqueue job ${id}: ${(error as Error).message}`);
      }
    }
    if (enqueued > 0) this.logger.log(`Re-enqueued ${enqueued} unfinished job(s) on the ${this.queue.kind} queue`);
    return enqueued;
  }
}
