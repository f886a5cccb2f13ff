import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { TrafficStats } from '../models/serving/traffic-stats.js';

/** Shadow calls running at once; more wait in the queue. */
export const SHADOW_MAX_IN_FLIGHT = 4;
/** Shadow calls waiting; beyond this a copy is dropped (and counted), never delayed. */
export const SHADOW_MAX_QUEUED = 256;

/**
 * Runs shadow copies off the response path: `submit` only queues (the caller's answer is already
 * computed and does not wait), at most SHADOW_MAX_IN_FLIGHT run at once and SHADOW_MAX_QUEUED
 * wait, so a slow shadow costs the primaries at most that many concurrent batches of CPU. A full
 * queue drops the copy and counts it (`traffic_shadow_dropped_total{reason="full"}`).
 */
@Injectable()
export class ShadowMirror implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShadowMirror.name);
  private readonly queue: { model: string; run: () => Promise<void> }[] = [];
  private inFlight = 0;
  private stopped = false;

  constructor(private readonly stats: TrafficStats) {}

  submit(model: string, run: () => Promise<void>): void {
    if (this.stopped || this.queue.length >= SHADOW_MAX_QUEUED) return this.stats.countDropped(model, 'full');
    this.queue.push({ model, run });
    // Started on a later turn, so nothing of the copy runs before the caller's answer is sent.
    setImmediate(() => this.drain());
  }

  /** Queued copies are dropped at shutdown; running ones finish. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private drain(): void {
    while (this.inFlight < SHADOW_MAX_IN_FLIGHT && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.inFlight += 1;
      task
        .run()
        .catch((error: unknown) => {
          this.stats.countDropped(task.model, 'failed');
          this.logger.warn(`Shadow call on ${task.model} failed: ${(error as Error).message}`);
        })
        .finally(() => {
          this.inFlight -= 1;
          this.drain();
        });
    }
  }
}
