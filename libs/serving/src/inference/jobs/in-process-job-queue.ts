import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { JobProcessor, JobQueue } from './job-queue.js';

/**
 * The embedded default: one job at a time in this process, in arrival order. Accepted jobs are
 * in the database first, so a restart loses none (JobReconciler enqueues them again). Meant for a
 * single process; with several processes, set REDIS_URL.
 */
@Injectable()
export class InProcessJobQueue extends JobQueue implements OnApplicationShutdown {
  readonly kind = 'in-process' as const;
  private readonly logger = new Logger('InProcessJobQueue');
  private readonly waiting: string[] = [];
  private readonly known = new Set<string>();
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly processor: JobProcessor) {
    super();
  }

  async enqueue(jobId: string): Promise<void> {
    if (this.known.has(jobId) || this.stopped) return;
    this.known.add(jobId);
    this.waiting.push(jobId);
    this.running ??= this.drain();
  }

  async ensurePending(jobId: string): Promise<boolean> {
    if (this.known.has(jobId) || this.stopped) return false;
    await this.enqueue(jobId);
    return true;
  }

  async depth(): Promise<number> {
    return this.known.size;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0 && !this.stopped) {
        const jobId = this.waiting.shift()!;
        try {
          await this.processor.process(jobId);
        } catch (error) {
          this.logger.error(`Job ${jobId} crashed its runner: ${(error as Error).message}`);
        } finally {
          this.known.delete(jobId);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
