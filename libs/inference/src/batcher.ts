/** Options of one model version's batcher (ModelServer makes one per loaded version). */
export interface BatchingOptions {
  /** Most rows one coalesced batch may hold (a single larger request runs alone). */
  maxBatch: number;
  /**
   * How long the first queued request may wait for others, in microseconds (0: until the current event-loop turn ends).
   */
  maxDelayUs: number;
  /** Called after every executed batch, e.g. to feed a batch-size histogram. */
  onBatch?: (rows: number, requests: number, computeMs: number) => void;
  /** Called once per coalesced request with the time it waited for its batch to start. */
  onQueued?: (waitMs: number) => void;
}

interface Pending<T, R> {
  item: T;
  rows: number;
  enqueuedAt: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** Runs several requests as one batch and answers each with its own part, in the order given. */
export type BatchExecutor<T, R> = (items: T[], rows: number) => Promise<R[]>;

/**
 * Coalesces concurrent requests for one model into one batch of up to `maxBatch` rows, or whatever
 * arrived within `maxDelayUs` of the first one, and hands each caller its own part. Requests that
 * can only share a batch with their own kind (same trailing tensor dimensions) carry a `group`: a
 * request of another group sends the queue off first. The model's forward pass must be
 * row-independent (no batch statistics), which holds for inference-mode models, so the values are
 * those of unbatched calls. One implementation for the /predict rows and the V2 named tensors.
 */
export class Coalescer<T, R> {
  private pending: Pending<T, R>[] = [];
  private pendingRows = 0;
  private pendingGroup = '';
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(
    private readonly execute: BatchExecutor<T, R>,
    private readonly options: BatchingOptions,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
      throw new RangeError('maxBatch must be an integer >= 1');
    if (!(options.maxDelayUs >= 0)) throw new RangeError('maxDelayUs must be >= 0');
  }

  submit(item: T, rows: number, group = ''): Promise<R> {
    if (rows >= this.options.maxBatch || this.options.maxBatch <= 1) {
      const started = performance.now();
      return this.execute([item], rows).then(([result]) => {
        this.options.onBatch?.(rows, 1, performance.now() - started);
        return result;
      });
    }
    if (this.pending.length > 0 && (this.pendingRows + rows > this.options.maxBatch || group !== this.pendingGroup))
      this.flush();
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, rows, enqueuedAt: performance.now(), resolve, reject });
      this.pendingRows += rows;
      this.pendingGroup = group;
      if (this.pendingRows >= this.options.maxBatch) this.flush();
      else this.schedule();
    });
  }

  /** Runs whatever is queued now. */
  private flush(): void {
    this.clearTimer();
    const batch = this.pending;
    const rows = this.pendingRows;
    this.pending = [];
    this.pendingRows = 0;
    if (batch.length === 0) return;
    // Anything run() throws outside its own try (a metrics callback) still settles every caller;
    // a rejection here would otherwise go unhandled and leave callers waiting.
    this.run(batch, rows).catch((error: unknown) => {
      for (const entry of batch) entry.reject(error);
    });
  }

  private schedule(): void {
    if (this.timer) return;
    const delayMs = this.options.maxDelayUs / 1000;
    this.timer = delayMs <= 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), delayMs);
  }

  private clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private async run(batch: Pending<T, R>[], rows: number): Promise<void> {
    const started = performance.now();
    if (this.options.onQueued) for (const entry of batch) this.options.onQueued(started - entry.enqueuedAt);
    let results: R[];
    try {
      results = await this.execute(
        batch.map((entry) => entry.item),
        rows,
      );
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    this.options.onBatch?.(rows, batch.length, performance.now() - started);
    batch.forEach((entry, index) => entry.resolve(results[index]));
  }
}

export type BatchRunner = (input: Float32Array, rows: number) => Promise<Float32Array>;

/** The /predict rows' batcher: row-major float32 blocks concatenated, run once, and sliced back per caller. */
export class PredictBatcher {
  private readonly coalescer: Coalescer<{ input: Float32Array; rows: number }, Float32Array>;

  constructor(
    run: BatchRunner,
    private readonly rowSize: number,
    outputSize: number,
    options: BatchingOptions,
  ) {
    this.coalescer = new Coalescer(async (items, rows) => {
      if (items.length === 1) return [await run(items[0].input, rows)];
      const input = new Float32Array(rows * rowSize);
      let offset = 0;
      for (const item of items) {
        input.set(item.input, offset);
        offset += item.input.length;
      }
      const output = await run(input, rows);
      offset = 0;
      return items.map((item) => {
        const size = item.rows * outputSize;
        offset += size;
        return output.slice(offset - size, offset);
      });
    }, options);
  }

  submit(input: Float32Array, rows: number): Promise<Float32Array> {
    // Rows are validated once, at the API edge (libs/serving/src/inference/input-rows.ts names the bad
    // row in the 400). This is only an internal invariant: a length that does not fit would shift
    // every neighbour's rows in a coalesced batch, so a caller that breaks it is a programmer error.
    if (!Number.isInteger(rows) || rows < 1 || input.length !== rows * this.rowSize) {
      throw new RangeError(`expected ${rows} row(s) of ${this.rowSize} values, got ${input.length}`);
    }
    return this.coalescer.submit({ input, rows }, rows);
  }
}
