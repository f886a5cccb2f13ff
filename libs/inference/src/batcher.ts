import { AdmissionError, type AdmissionRefusal } from './errors.js';
import type { Admission, BatchingOptions, BatchRunner, GroupedCall } from './batching-types.js';
import { LoadObserver } from './load-observer.js';

export type * from './batching-types.js';

interface Job {
  rows: number;
  /** Predict rows to coalesce with other rows, a grouped call, or work that runs alone. */
  input?: Float32Array;
  grouped?: GroupedCall<unknown, unknown>;
  alone?: () => Promise<unknown>;
  deadline: number;
  enqueuedAt: number;
  timer?: NodeJS.Timeout;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

/** Which jobs may share an execution: predict rows with predict rows, a grouped call with its own group. */
function coalescesAs(job: Job): string | undefined {
  if (job.alone) return undefined;
  return job.grouped ? `group:${job.grouped.group}` : 'rows';
}

/**
 * One version's bounded queue in front of its executors. Concurrent predict calls are coalesced into
 * one tensor batch of up to `maxBatch` rows and each caller gets its own rows back; the forward pass
 * must be row-independent, which holds for inference-mode models. Grouped calls (V2 named tensors)
 * coalesce the same way with consecutive calls of their group, through their own executor; work that
 * cannot be split runs alone. All of them share the one queue, its bound and its deadlines.
 *
 * Adaptive batching: a request that finds an executor free runs at the end of the current event-loop
 * turn (with whatever arrived in it, or at once when that fills a batch), so a lone request is not
 * delayed; requests that arrive while the executors are busy wait and leave together as the next
 * batch. Only when requests arrive faster than one per execution does the batcher hold a batch for
 * more, and then no longer than `maxDelayUs`, half an execution, or the time the batch is expected to
 * take to fill.
 *
 * Admission: a sheddable request is refused at once (OVERLOADED) when the queue is full or the wait
 * expected from observed execution time passes its deadline; one whose deadline passes while it waits
 * leaves the queue then (DEADLINE_EXCEEDED). Neither reaches the model.
 */
export class PredictBatcher {
  private readonly queue: Job[] = [];
  private queuedRows = 0;
  /** Start times of the executions running now. */
  private readonly running = new Set<{ started: number }>();
  private timer: { handle: NodeJS.Timeout | NodeJS.Immediate; immediate: boolean } | undefined;
  private readonly load = new LoadObserver();

  constructor(
    private readonly run: BatchRunner,
    private readonly rowSize: number,
    private readonly outputSize: number,
    private readonly options: BatchingOptions,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
      throw new RangeError('maxBatch must be an integer >= 1');
    if (!(options.maxDelayUs >= 0)) throw new RangeError('maxDelayUs must be >= 0');
    if (!(options.queueDepth >= 1) || !(options.concurrency >= 1))
      throw new RangeError('queueDepth and concurrency must be >= 1');
  }

  /** Requests waiting for an executor, and executions running. */
  get depth(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.running.size };
  }

  submit(input: Float32Array, rows: number, admission: Admission = {}): Promise<Float32Array> {
    // Rows are validated once, at the API edge (libs/serving/src/inference/input-rows.ts names the bad
    // row in the 400). This is only an internal invariant: a length that does not fit would shift
    // every neighbour's rows in a coalesced batch, so a caller that breaks it is a programmer error.
    if (!Number.isInteger(rows) || rows < 1 || input.length !== rows * this.rowSize) {
      throw new RangeError(`expected ${rows} row(s) of ${this.rowSize} values, got ${input.length}`);
    }
    return this.enqueue({ rows, input }, admission);
  }

  /** Runs `work` alone (it cannot be coalesced), under the same queue, admission and deadlines. */
  runAlone<T>(work: () => Promise<T>, admission: Admission = {}): Promise<T> {
    return this.enqueue({ rows: 1, alone: work }, admission);
  }

  /** Coalesces `call` with queued calls of its group, under the same queue, admission and deadlines. */
  coalesce<T, R>(call: GroupedCall<T, R>, admission: Admission = {}): Promise<R> {
    if (!Number.isInteger(call.rows) || call.rows < 1) throw new RangeError(`expected rows >= 1, got ${call.rows}`);
    return this.enqueue({ rows: call.rows, grouped: call as GroupedCall<unknown, unknown> }, admission);
  }

  private enqueue<T>(job: Pick<Job, 'rows' | 'input' | 'grouped' | 'alone'>, admission: Admission): Promise<T> {
    const now = performance.now();
    this.load.observeArrival(now);
    const deadline = admission.deadline ?? Infinity;
    const refusal = this.refusal(job.rows, deadline, now, admission.sheddable === true);
    if (refusal) {
      this.options.onShed?.(refusal.code);
      return Promise.reject(new AdmissionError(refusal.code, refusal.reason, refusal.retryAfterS));
    }
    return new Promise<T>((resolve, reject) => {
      const queued: Job = { ...job, deadline, enqueuedAt: now, resolve, reject };
      if (Number.isFinite(deadline)) queued.timer = setTimeout(() => this.expire(queued), deadline - now);
      this.queue.push(queued);
      this.queuedRows += job.rows;
      this.depthChanged();
      this.schedule();
    });
  }

  /** What a job of `rows` rows arriving now would be refused with (undefined: admitted), without queueing it. */
  refusalFor(rows: number, admission: Admission): AdmissionRefusal | undefined {
    return this.refusal(rows, admission.deadline ?? Infinity, performance.now(), admission.sheddable === true);
  }

  private refusal(rows: number, deadline: number, now: number, sheddable: boolean): AdmissionRefusal | undefined {
    if (deadline <= now)
      return { code: 'DEADLINE_EXCEEDED', reason: 'the request deadline had passed', retryAfterS: 0 };
    if (!sheddable) return undefined;
    const waitMs = this.expectedWaitMs(rows, now);
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
    if (this.queue.length >= this.options.queueDepth)
      return { code: 'OVERLOADED', reason: `the model's queue is full (${this.queue.length} waiting)`, retryAfterS };
    if (now + waitMs > deadline)
      return {
        code: 'OVERLOADED',
        reason: `the model cannot start this request within its deadline (expected wait ${Math.ceil(waitMs)} ms)`,
        retryAfterS,
      };
    return undefined;
  }

  /** How long a request of `rows` rows arriving now should wait, from the mean execution time seen so far. */
  private expectedWaitMs(rows: number, now: number): number {
    const execMs = this.load.meanExecMs ?? 0;
    const { concurrency, maxBatch } = this.options;
    let waitMs = 0;
    if (this.running.size >= concurrency) {
      const earliest = Math.min(...[...this.running].map((r) => r.started));
      waitMs = Math.max(0, earliest + execMs - now);
    }
    const batchesAhead = Math.floor((this.queuedRows + rows - 1) / maxBatch);
    return waitMs + (batchesAhead * execMs) / concurrency;
  }

  private expire(job: Job): void {
    const index = this.queue.indexOf(job);
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.queuedRows -= job.rows;
    this.depthChanged();
    this.options.onShed?.('DEADLINE_EXCEEDED');
    job.reject(new AdmissionError('DEADLINE_EXCEEDED', 'the request deadline passed while it waited', 0));
  }

  private depthChanged(): void {
    this.options.onDepth?.(this.queue.length, this.running.size);
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.running.size >= this.options.concurrency) return;
    // A full batch is waiting for a free executor: holding it to the end of the turn would only idle
    // the executor while the thread reads more requests (under load, one turn reads dozens).
    if (this.queuedRows >= this.options.maxBatch) return this.dispatch();
    const delayMs = this.coalescingDelayMs();
    if (this.timer && (this.timer.immediate || delayMs > 0)) return;
    this.clearTimer();
    const dispatch = () => this.dispatch();
    this.timer =
      delayMs > 0
        ? { handle: setTimeout(dispatch, delayMs), immediate: false }
        : { handle: setImmediate(dispatch), immediate: true };
  }

  private dispatch(): void {
    this.clearTimer();
    while (this.queue.length > 0 && this.running.size < this.options.concurrency) this.startNext();
  }

  /** How long to hold a partial batch for more requests (see the class comment); 0 runs it this turn. */
  private coalescingDelayMs(): number {
    const execMs = this.load.meanExecMs;
    const gapMs = this.load.meanGapMs;
    const { maxBatch, maxDelayUs } = this.options;
    if (execMs === undefined || gapMs === undefined || this.queuedRows >= maxBatch) return 0;
    // Fewer than one arrival expected during one execution: waiting would only delay a lone request.
    if (gapMs >= execMs) return 0;
    const delayMs = Math.min(maxDelayUs / 1000, execMs / 2, gapMs * (maxBatch - this.queuedRows));
    // Timers fire in whole milliseconds: a shorter wait is the end of this turn.
    return delayMs >= 1 ? delayMs : 0;
  }

  private clearTimer(): void {
    if (!this.timer) return;
    if (this.timer.immediate) clearImmediate(this.timer.handle as NodeJS.Immediate);
    else clearTimeout(this.timer.handle as NodeJS.Timeout);
    this.timer = undefined;
  }

  /**
   * Takes the next batch off the queue (FIFO: the first job and those after it that coalesce with it,
   * up to maxBatch rows; a job that runs alone, alone) and runs it.
   */
  private startNext(): void {
    this.dropExpired();
    if (this.queue.length === 0) return;
    const { maxBatch } = this.options;
    let count = 1;
    let rows = this.queue[0].rows;
    const kind = coalescesAs(this.queue[0]);
    if (kind !== undefined) {
      const joins = (job: Job) => coalescesAs(job) === kind && rows + job.rows <= maxBatch;
      while (count < this.queue.length && joins(this.queue[count])) {
        rows += this.queue[count].rows;
        count += 1;
      }
    }
    const batch = this.queue.splice(0, count);
    this.queuedRows -= rows;
    for (const job of batch) clearTimeout(job.timer);
    const token = { started: performance.now() };
    this.running.add(token);
    this.depthChanged();
    // Anything execute() throws outside its own try (packing, a metrics callback) still settles
    // every caller; a rejection here would otherwise go unhandled and leave callers waiting.
    this.execute(batch, rows, token.started)
      .catch((error: unknown) => {
        for (const job of batch) job.reject(error);
      })
      .finally(() => {
        this.running.delete(token);
        this.depthChanged();
        this.schedule();
      });
  }

  /** Jobs whose deadline passed while this thread was busy (before their timer could fire) never run. */
  private dropExpired(): void {
    const now = performance.now();
    for (const job of this.queue.filter((queued) => queued.deadline <= now)) this.expire(job);
  }

  private async execute(batch: Job[], rows: number, started: number): Promise<void> {
    if (this.options.onQueued) for (const job of batch) this.options.onQueued(started - job.enqueuedAt);
    let results: unknown[];
    try {
      results = await this.runBatch(batch, rows);
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    } finally {
      this.load.observeExecution(performance.now() - started);
    }
    this.options.onBatch?.(rows, batch.length, performance.now() - started);
    batch.forEach((job, index) => job.resolve(results[index] as never));
  }

  /** One execution of the batch: each job's answer, in order. */
  private async runBatch(batch: Job[], rows: number): Promise<unknown[]> {
    const [first] = batch;
    if (first.alone) return [await first.alone()];
    if (first.grouped) {
      const items = batch.map((job) => job.grouped?.item);
      return first.grouped.execute(items, rows);
    }
    const output = await this.run(this.pack(batch, rows), rows);
    if (batch.length === 1) return [output];
    let offset = 0;
    return batch.map((job) => {
      const size = job.rows * this.outputSize;
      offset += size;
      return output.slice(offset - size, offset);
    });
  }

  private pack(batch: Job[], rows: number): Float32Array {
    if (batch.length === 1) return batch[0].input as Float32Array;
    const input = new Float32Array(rows * this.rowSize);
    let offset = 0;
    for (const job of batch) {
      input.set(job.input as Float32Array, offset);
      offset += (job.input as Float32Array).length;
    }
    return input;
  }
}
