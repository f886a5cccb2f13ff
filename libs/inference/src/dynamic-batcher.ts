import type { ModelPool } from './model-pool.js';

export interface BatchingOptions {
  /** Most rows in one executed batch; 1 turns batching off. */
  maxBatch: number;
  /** Longest a request waits for others to join its batch, in microseconds. */
  maxDelayUs: number;
}

export interface BatchObserver {
  /** Called once per executed batch. */
  onBatch?(key: string, rows: number, requests: number, computeMs: number): void;
  /** Called once per request with the time it waited for its batch. */
  onQueued?(key: string, waitMs: number): void;
}

interface Pending {
  input: Float32Array;
  rows: number;
  enqueuedAt: number;
  resolve(values: Float32Array | undefined): void;
  reject(error: unknown): void;
}

interface Queue {
  pending: Pending[];
  rows: number;
  timer?: NodeJS.Timeout | NodeJS.Immediate;
}

/**
 * Dynamic batching, as Triton and TF Serving do it: concurrent predict calls for the same model
 * version are coalesced into one tensor batch of up to `maxBatch` rows, or whatever arrived within
 * `maxDelayUs`, run once, and split back per request. Rows are independent in these models, so
 * every caller gets exactly what an unbatched call would return.
 */
export class DynamicBatcher {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly pool: ModelPool,
    private readonly options: BatchingOptions,
    private readonly observer: BatchObserver = {},
  ) {}

  /** Resolves rows × outputSize values, or undefined when the key is not loaded. */
  predict(key: string, input: Float32Array, rows: number): Promise<Float32Array | undefined> {
    if (this.options.maxBatch <= 1 || rows >= this.options.maxBatch) return Promise.resolve(this.runNow(key, [{ input, rows }]));
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(key) ?? { pending: [], rows: 0 };
      this.queues.set(key, queue);
      queue.pending.push({ input, rows, enqueuedAt: performance.now(), resolve, reject });
      queue.rows += rows;
      if (queue.rows >= this.options.maxBatch) this.flush(key);
      else if (!queue.timer) queue.timer = this.schedule(() => this.flush(key));
    });
  }

  private schedule(run: () => void): NodeJS.Timeout | NodeJS.Immediate {
    // Below a millisecond, "the end of this turn of the event loop" is the finest wait Node has.
    return this.options.maxDelayUs < 1000 ? setImmediate(run) : setTimeout(run, this.options.maxDelayUs / 1000);
  }

  private flush(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    if (queue.timer) {
      clearTimeout(queue.timer as NodeJS.Timeout);
      clearImmediate(queue.timer as NodeJS.Immediate);
    }
    // Split into executable batches of at most maxBatch rows.
    let batch: Pending[] = [];
    let rows = 0;
    for (const pending of queue.pending) {
      if (rows + pending.rows > this.options.maxBatch && batch.length) {
        this.execute(key, batch);
        batch = [];
        rows = 0;
      }
      batch.push(pending);
      rows += pending.rows;
    }
    if (batch.length) this.execute(key, batch);
  }

  private execute(key: string, batch: Pending[]): void {
    const started = performance.now();
    for (const pending of batch) this.observer.onQueued?.(key, started - pending.enqueuedAt);
    try {
      const output = this.runNow(key, batch);
      if (!output) {
        for (const pending of batch) pending.resolve(undefined);
        return;
      }
      const totalRows = batch.reduce((sum, pending) => sum + pending.rows, 0);
      const perRow = output.length / totalRows;
      let offset = 0;
      for (const pending of batch) {
        const size = pending.rows * perRow;
        pending.resolve(output.slice(offset, offset + size));
        offset += size;
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  private runNow(key: string, parts: { input: Float32Array; rows: number }[]): Float32Array | undefined {
    const lease = this.pool.acquire(key);
    if (!lease) return undefined;
    try {
      const rows = parts.reduce((sum, part) => sum + part.rows, 0);
      const input = parts.length === 1 ? parts[0].input : concat(parts.map((part) => part.input));
      const started = performance.now();
      const output = lease.model.predict(input, rows);
      this.observer.onBatch?.(key, rows, parts.length, performance.now() - started);
      return output;
    } finally {
      lease.release();
    }
  }
}

function concat(arrays: Float32Array[]): Float32Array {
  const total = arrays.reduce((sum, array) => sum + array.length, 0);
  const joined = new Float32Array(total);
  let offset = 0;
  for (const array of arrays) {
    joined.set(array, offset);
    offset += array.length;
  }
  return joined;
}
