import { retrying } from '../retry/retrying.js';
import type { WriteBehindEvents, WriteBehindOptions, WriteBehindTarget } from './write-behind-types.js';

export type * from './write-behind-types.js';

interface Queued<R> {
  row: R;
  weight: number;
}

/**
 * Writes items off the caller's path. `add()` only appends to an in-memory list; a timer, or a
 * chunk's worth of waiting items, turns them into rows (`prepare`) and writes them chunk by chunk.
 *
 * While the store is unavailable a chunk is retried (p-retry), then the rows stay queued and timer
 * flushes back off (`flush()` itself never waits for the back-off). A chunk the store refuses for
 * its data is written row by row, and only the rows that still fail are dropped. The queue is
 * bounded (`maxItems`, `maxWeight`): beyond that the oldest are dropped and reported, so an outage
 * costs old rows, never the process's memory. `close()` stops the timer and flushes what is left.
 */
export class WriteBehindBuffer<T, R = T> {
  /** Items as given by callers, prepared at the next flush. */
  private pending: T[] = [];
  /** Prepared rows waiting for the store, oldest first. */
  private rows: Queued<R>[] = [];
  private weight = 0;
  private timer?: NodeJS.Timeout;
  private tickScheduled = false;
  private draining?: Promise<void>;
  private backoffMs = 0;
  private retryAt = 0;
  private stopped = false;

  constructor(
    private readonly target: WriteBehindTarget<T, R>,
    private readonly events: WriteBehindEvents<T, R>,
    private readonly options: WriteBehindOptions,
  ) {}

  /** Starts the flush timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Queues one item and returns at once: never waits for, nor touches, the store. */
  add(item: T): void {
    const { maxItems, chunkSize } = this.options;
    if (this.pending.length >= maxItems)
      this.events.dropped({ cause: 'full', count: this.pending.splice(0, Math.ceil(maxItems / 100)).length });
    this.pending.push(item);
    if (this.pending.length >= chunkSize && !this.tickScheduled) {
      this.tickScheduled = true;
      setImmediate(() => this.tick());
    }
  }

  /** Items queued and not yet written. */
  get size(): number {
    return this.pending.length + this.rows.length;
  }

  /**
   * Writes everything added before the call (ignores the back-off). Resolves, never rejects, once
   * the rows are written or the store has refused them (they then stay queued).
   */
  async flush(): Promise<void> {
    this.preparePending();
    while (this.draining) await this.draining;
    if (this.rows.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
    await this.draining;
  }

  /** Stops the timer and retries, flushes once more and returns how many items are still unwritten. */
  async close(): Promise<number> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    return this.size;
  }

  private tick(): void {
    this.tickScheduled = false;
    // Prepare now even if a write is in progress: queued rows are bounded by weight, raw items are not.
    this.preparePending();
    if (this.draining || this.rows.length === 0 || Date.now() < this.retryAt) return;
    this.flush().catch((error: unknown) => this.events.flushFailed(asError(error)));
  }

  private preparePending(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const item of batch) {
      try {
        const row = this.target.prepare(item);
        const weight = this.target.weigh(row);
        this.rows.push({ row, weight });
        this.weight += weight;
      } catch (error) {
        this.events.dropped({ cause: 'unpreparable', count: 1, item, error: asError(error) });
      }
    }
    this.enforceBounds();
  }

  private enforceBounds(): void {
    const { maxItems, maxWeight } = this.options;
    let dropCount = 0;
    while (dropCount < this.rows.length && (this.rows.length - dropCount > maxItems || this.weight > maxWeight)) {
      this.weight -= this.rows[dropCount].weight;
      dropCount += 1;
    }
    if (dropCount > 0) {
      this.rows.splice(0, dropCount);
      this.events.dropped({ cause: 'full', count: dropCount });
    }
  }

  /** Writes queued rows chunk by chunk until none are left or the store is unavailable. */
  private async drain(): Promise<void> {
    while (this.rows.length > 0) {
      const chunk = this.rows.splice(0, this.options.chunkSize);
      for (const queued of chunk) this.weight -= queued.weight;
      const unwritten = await this.writeChunk(chunk.map((queued) => queued.row));
      if (unwritten > 0) {
        // Back at the front, in order; the bounds still apply.
        const back = chunk.slice(chunk.length - unwritten);
        this.rows = [...back, ...this.rows];
        for (const queued of back) this.weight += queued.weight;
        this.preparePending();
        this.enforceBounds();
        const { initialMs, maxMs } = this.options.backoff;
        this.backoffMs = Math.min(maxMs, this.backoffMs ? this.backoffMs * 2 : initialMs);
        this.retryAt = Date.now() + this.backoffMs;
        return;
      }
      if (this.backoffMs) {
        this.events.recovered(this.rows.length);
        this.backoffMs = 0;
        this.retryAt = 0;
      }
      this.preparePending();
    }
  }

  /** Returns how many rows at the end of the chunk are still unwritten (0 = all written or dropped). */
  private async writeChunk(rows: R[]): Promise<number> {
    const { retries, firstDelayMs, factor } = this.options.retry;
    try {
      await retrying(() => this.target.write(rows), {
        retries,
        minTimeout: firstDelayMs,
        factor,
        unref: true,
        // Only an unreachable store is worth waiting for, and not once shutdown has begun.
        shouldRetry: (error) => !this.stopped && this.target.isUnavailable(error),
      });
      return 0;
    } catch (error) {
      if (this.target.isUnavailable(error)) {
        this.events.unavailable(asError(error), rows.length + this.size);
        return rows.length;
      }
    }
    // The store refused the chunk for its data: write row by row, drop only what still fails.
    for (let index = 0; index < rows.length; index += 1) {
      try {
        await this.target.write([rows[index]]);
      } catch (error) {
        if (this.target.isUnavailable(error)) return rows.length - index;
        this.events.dropped({ cause: 'rejected', count: 1, row: rows[index], error: asError(error) });
      }
    }
    return 0;
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
