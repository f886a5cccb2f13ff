/** What a WriteBehindBuffer is given: its bounds and timings, its target and its owner's events. */

export interface WriteBehindOptions {
  /** Rows per write; as many waiting items also start a flush without waiting for the timer. */
  chunkSize: number;
  flushIntervalMs: number;
  /** At most this many items wait (raw and prepared, each bounded); beyond it the oldest are dropped. */
  maxItems: number;
  /** ...and at most this total weight of prepared rows (e.g. characters of serialised output). */
  maxWeight: number;
  /** While the store is unavailable a chunk is tried `retries` more times, after `firstDelayMs` × `factor`^n. */
  retry: { retries: number; firstDelayMs: number; factor: number };
  /** After a flush gave up, timer flushes wait `initialMs` (doubling up to `maxMs`) before trying again. */
  backoff: { initialMs: number; maxMs: number };
}

/** Where the rows go, and how an item becomes a row. */
export interface WriteBehindTarget<T, R> {
  /** Runs at flush time, off the caller's path. Throwing drops that one item. */
  prepare(item: T): R;
  /** The row's share of `maxWeight`. */
  weigh(row: R): number;
  /** Stores the rows (one statement); rejects when it could not. */
  write(rows: R[]): Promise<void>;
  /** True when the error means the store cannot be reached (retry, keep the rows), not that it refused the data. */
  isUnavailable(error: unknown): boolean;
}

export type WriteBehindDrop<T, R> =
  | { cause: 'full'; count: number }
  | { cause: 'unpreparable'; count: 1; item: T; error: Error }
  | { cause: 'rejected'; count: 1; row: R; error: Error };

/** What the owner logs and counts; the buffer itself neither logs nor throws. */
export interface WriteBehindEvents<T, R> {
  dropped(drop: WriteBehindDrop<T, R>): void;
  unavailable(error: Error, queued: number): void;
  /** The store takes rows again after an outage. */
  recovered(queued: number): void;
  /** A timer flush failed unexpectedly (it is never left as an unhandled rejection). */
  flushFailed(error: Error): void;
}
