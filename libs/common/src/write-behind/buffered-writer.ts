import { Logger, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WriteBehindBuffer } from './write-behind-buffer.js';
import type { WriteBehindDrop, WriteBehindOptions, WriteBehindTarget } from './write-behind-types.js';

/**
 * A provider that stores rows off the request path through a WriteBehindBuffer (the prediction log,
 * security events), with the Nest lifecycle they all need: the flush timer starts at module init,
 * everything is flushed before any module closes the database, and once more after the other
 * modules' shutdown (what they wrote while stopping); what is still unwritten is counted as dropped.
 * A subclass says how an item becomes a row and where rows go (WriteBehindTarget), and counts drops.
 */
export abstract class BufferedWriter<T, R = T>
  implements WriteBehindTarget<T, R>, OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  protected readonly logger: Logger;
  private readonly buffer: WriteBehindBuffer<T, R>;

  /** `noun` names the rows in log lines ("inference records"). */
  protected constructor(
    private readonly noun: string,
    options: WriteBehindOptions,
  ) {
    this.logger = new Logger(new.target.name);
    this.buffer = new WriteBehindBuffer<T, R>(
      {
        prepare: (item) => this.prepare(item),
        weigh: (row) => this.weigh(row),
        write: (rows) => this.write(rows),
        isUnavailable: (error) => this.isUnavailable(error),
      },
      {
        dropped: (drop) => this.dropped(drop.count, this.describeDrop(drop)),
        unavailable: (error, queued) =>
          this.logger.warn(`Database unavailable for ${noun} (${queued} queued): ${error.message}`),
        recovered: (queued) => this.logger.log(`Database takes ${noun} again (${queued} still queued)`),
        flushFailed: (error) => this.logger.error(`Flush of ${noun} failed: ${error.message}`),
      },
      options,
    );
  }

  abstract prepare(item: T): R;
  abstract weigh(row: R): number;
  abstract write(rows: R[]): Promise<void>;
  abstract isUnavailable(error: unknown): boolean;
  /** Counts rows given up on (a full queue, a row the store refused, rows left at shutdown). */
  protected abstract countDropped(count: number): void;

  onModuleInit(): void {
    this.buffer.start();
  }

  /** Runs before any module closes its resources: the database is certainly still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.buffer.flush();
  }

  /** Catches what was written during the other modules' shutdown (e.g. a job's last chunk). */
  async onApplicationShutdown(): Promise<void> {
    const left = await this.buffer.close();
    if (left > 0) {
      this.countDropped(left);
      this.logger.error(`Shutting down with ${left} ${this.noun} not written`);
    }
  }

  /** Writes everything queued before the call; resolves, never rejects (see WriteBehindBuffer.flush). */
  flush(): Promise<void> {
    return this.buffer.flush();
  }

  /** Items queued and not yet written (for metrics, tests and diagnostics). */
  get bufferedCount(): number {
    return this.buffer.size;
  }

  /** Queues one item and returns at once: never waits for, nor touches, the database. */
  protected enqueue(item: T): void {
    this.buffer.add(item);
  }

  /** The reason logged for a drop; a subclass may name the row (its model, its user). */
  protected describeDrop(drop: WriteBehindDrop<T, R>): string {
    if (drop.cause === 'full') return 'buffer full';
    return `${drop.cause === 'unpreparable' ? 'unpreparable' : 'rejected'} row (${drop.error.message})`;
  }

  private dropped(count: number, reason: string): void {
    this.countDropped(count);
    this.logger.warn(`Dropped ${count} ${this.noun}: ${reason}`);
  }
}
