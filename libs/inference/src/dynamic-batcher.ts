import { PredictBatcher } from './batcher.js';
import type { LoadedModel } from './loaded-model.js';
import type { ModelRegistry } from './registry.js';

export interface DynamicBatchingOptions {
  /** Most rows in one executed batch; 1 (or less) turns batching off. */
  maxBatch: number;
  /** Longest a request waits for others to join its batch, in microseconds (< 1000: the end of the current event-loop turn). */
  maxDelayUs: number;
}

export interface BatchObserver {
  /** Called once per executed batch. */
  onBatch?(key: string, rows: number, requests: number, computeMs: number): void;
  /** Called once per coalesced request with the time it waited for its batch. */
  onQueued?(key: string, waitMs: number): void;
}

/**
 * Dynamic batching in front of a ModelRegistry, keyed by model version: concurrent predict calls
 * for the same loaded version are coalesced into one tensor batch of up to `maxBatch` rows, or
 * whatever arrived within `maxDelayUs`, run once, and split back per request. Rows are independent
 * in inference-mode models, so every caller gets what an unbatched call returns.
 *
 * Each request validates its own rows (PredictInputError) and takes its own lease before it is
 * queued, so a bad request never fails its neighbours, and a version swapped out while requests
 * wait finishes them before it is disposed.
 */
export class DynamicBatcher {
  private readonly batchers = new WeakMap<LoadedModel, PredictBatcher>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly options: DynamicBatchingOptions,
    private readonly observer: BatchObserver = {},
  ) {}

  /** Resolves rows × outputSize values, or undefined when `key` is not loaded. */
  async predict(key: string, input: Float32Array, rows: number): Promise<Float32Array | undefined> {
    const lease = this.registry.acquire(key);
    if (!lease) return undefined;
    try {
      lease.model.validate(input, rows);
      return await this.batcherFor(key, lease.model).submit(input, rows);
    } finally {
      lease.release();
    }
  }

  private batcherFor(key: string, model: LoadedModel): PredictBatcher {
    let batcher = this.batchers.get(model);
    if (!batcher) {
      const info = model.info;
      batcher = new PredictBatcher((input, rows) => model.execute(input, rows), info.rowSize, info.outputSize, {
        maxBatch: Math.max(1, Math.floor(this.options.maxBatch)),
        maxDelayUs: Math.max(0, this.options.maxDelayUs),
        onBatch: (rows, requests, computeMs) => this.observer.onBatch?.(key, rows, requests, computeMs),
        onQueued: (waitMs) => this.observer.onQueued?.(key, waitMs),
      });
      this.batchers.set(model, batcher);
    }
    return batcher;
  }
}
