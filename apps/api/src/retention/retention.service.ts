import {
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/config';
import { PurgeLock } from './purge-lock.js';
import { RetentionPurger, type PurgeReport } from './retention-purger.js';

export type PurgeOutcome = { ran: true; report: PurgeReport } | { ran: false; reason: 'locked' | 'disabled' };

const SCHEDULE_NAME = 'retention-purge';

/**
 * Runs the retention purge under the cross-process lock: every RETENTION_PURGE_INTERVAL_MS in the
 * API (scheduled through @nestjs/schedule, when the scheduler is part of the app) and on demand
 * (`npm run purge`). A process that finds the lock taken skips the run: another one is purging.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private running?: Promise<PurgeOutcome>;
  private stopping = false;

  constructor(
    private readonly purger: RetentionPurger,
    private readonly lock: PurgeLock,
    private readonly config: AppConfig,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  get enabled(): boolean {
    return Object.values(this.config.retention.days).some((days) => days > 0);
  }

  onApplicationBootstrap(): void {
    const { intervalMs } = this.config.retention;
    if (!this.scheduler || intervalMs === 0 || !this.enabled) return;
    const timer = setInterval(
      () =>
        void this.purge().catch((error: unknown) =>
          this.logger.warn(`Retention purge failed: ${(error as Error).message}`),
        ),
      intervalMs,
    );
    timer.unref();
    this.scheduler.addInterval(SCHEDULE_NAME, timer);
  }

  beforeApplicationShutdown(): void {
    // A purge in progress stops after its current statement; the next run picks up the rest.
    this.stopping = true;
  }

  /** One purge (joined if one is running in this process), or a skip when another process holds the lock. */
  purge(): Promise<PurgeOutcome> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<PurgeOutcome> {
    if (!this.enabled) return { ran: false, reason: 'disabled' };
    const held = await this.lock.tryAcquire();
    if (!held) return { ran: false, reason: 'locked' };
    try {
      const report = await this.purger.purge(async () => {
        if (this.stopping) throw new Error('Shutting down: the purge stops here');
        await held.refresh();
      });
      const total = Object.values(report).reduce((sum, count) => sum + count, 0);
      if (total > 0) this.logger.log(`Retention purge deleted ${JSON.stringify(report)}`);
      return { ran: true, report };
    } finally {
      await held.release();
    }
  }
}
