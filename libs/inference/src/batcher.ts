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

interface Pending {
  input: Float32Array;
  rows: number;
  enqueuedAt: number;
  resolve: (values: Float32Array) => void;
  reject: (error: unknown) => void;
}

export type BatchRunner = (input: Float32Array, rows: number) => Promise<Float32Array>;

/**
 * Coalesces concurrent predict calls for one model into one tensor batch of up to `maxBatch` rows,
 * or whatever arrived within `maxDelayUs` of the first one, and hands each caller its own rows.
 * The model's forward pass must be row-independent (no batch statistics), which holds for
 * inference-mode TF.js models, so the values are those of unbatched calls.
 */
export class PredictBatcher {
  private pending: Pending[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(
    private readonly run: BatchRunner,
    private readonly rowSize: number,
    private readonly outputSize: number,
    private readonly options: BatchingOptions,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
      throw new RangeError('maxBatch must be an integer >= 1');
    if (!(options.maxDelayUs >= 0)) throw new RangeError('maxDelayUs must be >= 0');
  }

  submit(input: Float32Array, rows: number): Promise<Float32Array> {
    // Rows are validated once, at the API edge (libs/serving/src/inference/input-rows.ts names the bad
    // row in the 400). This is only an internal invariant: a length that does not fit would shift
    // every neighbour's rows in a coalesced batch, so a caller that breaks it is a programmer error.
    if (!Number.isInteger(rows) || rows < 1 || input.length !== rows * this.rowSize) {
      throw new RangeError(`expected ${rows} row(s) of ${this.rowSize} values, got ${input.length}`);
    }
    if (rows >= this.options.maxBatch || this.options.maxBatch <= 1) {
      const started = performance.now();
      return this.run(input, rows).then((values) => {
        this.options.onBatch?.(rows, 1, performance.now() - started);
        return values;
      });
    }
    if (this.pendingRows + rows > this.options.maxBatch) this.flush();
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.push({ input, rows, enqueuedAt: performance.now(), resolve, reject });
      this.pendingRows += rows;
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
    // Anything execute() throws outside its own try (packing, a metrics callback) still settles
    // every caller; a rejection here would otherwise go unhandled and leave callers waiting.
    this.execute(batch, rows).catch((error: unknown) => {
      for (const item of batch) item.reject(error);
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

  private async execute(batch: Pending[], rows: number): Promise<void> {
    let input: Float32Array;
    if (batch.length === 1) {
      input = batch[0].input;
    } else {
      input = new Float32Array(rows * this.rowSize);
      let offset = 0;
      for (const item of batch) {
        input.set(item.input, offset);
        offset += item.input.length;
      }
    }
    const started = performance.now();
    if (this.options.onQueued) for (const item of batch) this.options.onQueued(started - item.enqueuedAt);
    let output: Float32Array;
    try {
      output = await this.run(input, rows);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    this.options.onBatch?.(rows, batch.length, performance.now() - started);
    let offset = 0;
    for (const item of batch) {
      const size = item.rows * this.outputSize;
      item.resolve(batch.length === 1 ? output : output.slice(offset, offset + size));
      offset += size;
    }
  }
}
