import { TensorValueError } from './errors.js';
import { selectBackend, type BackendPreference } from './backend.js';
import { Coalescer, PredictBatcher, type BatchingOptions } from './batcher.js';
import { inspectModel, type AnyLoadOptions, type FastPathMode } from './load-model.js';
import type { ModelInfo, NamedTensorRunner, ServingModel } from './loaded-model.js';
import { batchGroup, batchRows, concatFeeds, splitOutputs } from './onnx/onnx-batch.js';
import { toNamedOutputs, type NamedInput, type NamedOutput } from './onnx/onnx-feeds.js';
import type { OnnxPoolOptions } from './onnx/onnx-model.js';
import type { WorkerLoss } from './onnx/onnx-pool.js';
import type { WireTensor } from './onnx/onnx-types.js';
import { ModelRegistry, type DeclaredSignature } from './registry.js';

export interface BatchObserver {
  /** Called once per executed batch. */
  onBatch?(key: string, rows: number, requests: number, computeMs: number): void;
  /** Called once per coalesced request with the time it waited for its batch. */
  onQueued?(key: string, waitMs: number): void;
  /** Called when an ONNX worker of `key` exits while serving, once its replacement serves or failed to start. */
  onWorkerLost?(key: string, loss: WorkerLoss): void;
}

export interface ModelServerOptions {
  /** Most rows in one executed batch; 1 (or less) turns batching off. */
  maxBatch: number;
  /**
   * Longest a request waits for others to join its batch, in
   * microseconds (< 1000: the end of the current event-loop turn).
   */
  maxDelayUs: number;
  /** Bound on reading an artifact (every load and inspect): LOAD_TIMEOUT after it. */
  loadTimeoutMs?: number;
  /** Bound on the warm-up run: WARMUP_TIMEOUT after it. */
  warmupTimeoutMs?: number;
  /** The verified dense fast path (see LoadModelOptions.fastPath); default `auto`. */
  fastPath?: FastPathMode;
  observer?: BatchObserver;
  /** ONNX versions: worker threads per version and intra-op threads per session (defaults sized for the machine). */
  onnx?: OnnxPoolOptions;
  /** Told when a replaced or unloaded version's weights are freed (for logs and tests). */
  onDispose?: (key: string, info: ModelInfo) => void;
}

export interface PredictOutput {
  /** rows × outputSize values, row-major. */
  values: Float32Array;
  outputSize: number;
}

/**
 * The library's entry: model versions served under keys such as `name@version`.
 *
 * - `load` warms the new version fully before swapping it in; a failed load (ModelLoadError) leaves
 *   the serving version serving. Loads of one key apply in call order.
 * - `predict` holds the serving version for exactly the call (a lease), so a request that started
 *   on a version finishes on it; a replaced or unloaded version is freed when its last request ends.
 * - every predict goes through dynamic batching: concurrent calls on the same loaded version are
 *   coalesced into one tensor batch of up to `maxBatch` rows, or whatever arrived within
 *   `maxDelayUs`, run once, and split back. Rows are independent in inference-mode models, so each
 *   caller gets what an unbatched call returns. V2 calls on an ONNX version that batches are coalesced
 *   the same way, per named input.
 */
export class ModelServer {
  /** The backend models load onto; 'unset' until start(). */
  backend = 'unset';
  private readonly registry: ModelRegistry;
  private readonly loadOptions: AnyLoadOptions;
  private readonly batchers = new WeakMap<ServingModel, PredictBatcher>();
  private readonly namedBatchers = new WeakMap<NamedTensorRunner, Coalescer<WireTensor[], WireTensor[]>>();

  constructor(private readonly options: ModelServerOptions) {
    this.loadOptions = {
      loadTimeoutMs: options.loadTimeoutMs,
      warmupTimeoutMs: options.warmupTimeoutMs,
      fastPath: options.fastPath,
      ...options.onnx,
      onWorkerLost: (key, loss) => options.observer?.onWorkerLost?.(key, loss),
    };
    this.registry = new ModelRegistry({ load: this.loadOptions, onDispose: options.onDispose });
  }

  /** Selects the TF.js backend (before any load: weights live on the backend active at load time). */
  async start(preference: BackendPreference = 'auto'): Promise<string> {
    this.backend = await selectBackend(preference);
    return this.backend;
  }

  /**
   * Loads and checks an artifact under the same bounds as a load, then frees it (an ONNX file in a
   * throwaway child process). `declared` is checked against the model. Throws ModelLoadError.
   */
  inspect(source: string, declared: DeclaredSignature = {}): Promise<ModelInfo> {
    const { inputShape, featureNames } = declared;
    return inspectModel(source, { ...this.loadOptions, expectedInputShape: inputShape, featureNames });
  }

  /**
   * Loads `source` (a TF.js folder or model JSON path, or an ONNX file or folder with model.onnx) and
   * makes it serve under `key`; `declared` fills an ONNX model's free dimensions.
   */
  load(key: string, source: string, declared?: DeclaredSignature): Promise<ModelInfo> {
    return this.registry.load(key, source, declared);
  }

  /** Stops new requests on `key`; its model is freed once no request holds it. False when not loaded. */
  unload(key: string): boolean {
    return this.registry.unload(key);
  }

  info(key: string): ModelInfo | undefined {
    return this.registry.info(key);
  }

  loadedKeys(): string[] {
    return this.registry.loadedKeys();
  }

  /**
   * Runs `rows` rows (rows × rowSize values, already validated by the caller) on the version serving
   * under `key`; undefined when none is.
   */
  async predict(key: string, input: Float32Array, rows: number): Promise<PredictOutput | undefined> {
    const lease = this.registry.acquire(key);
    if (!lease) return undefined;
    try {
      const values = await this.batcherFor(key, lease.model).submit(input, rows);
      return { values, outputSize: values.length / rows };
    } finally {
      lease.release();
    }
  }

  /**
   * Named tensors (V2) on the version serving under `key`; undefined when none is. Only ONNX versions
   * take them (TensorValueError NOT_ROW_SERVABLE otherwise: TF.js goes through predict). When the model
   * batches, concurrent calls whose inputs share their trailing dimensions are concatenated along
   * dimension 0 per input, run once and split back, like predict's rows; a call is checked before it
   * queues, so a bad call fails alone.
   */
  async infer(key: string, inputs: NamedInput[]): Promise<NamedOutput[] | undefined> {
    const lease = this.registry.acquire(key);
    if (!lease) return undefined;
    try {
      const runner = lease.model.named;
      if (!runner) throw new TensorValueError('NOT_ROW_SERVABLE', 'named tensors are for ONNX models');
      const feeds = runner.prepare(inputs);
      const rows = runner.batching ? batchRows(feeds) : undefined;
      const outputs = rows
        ? await this.namedBatcherFor(key, runner).submit(feeds, rows, batchGroup(feeds))
        : await runner.run(feeds);
      return toNamedOutputs(outputs);
    } finally {
      lease.release();
    }
  }

  /** Unloads everything (shutdown); versions still held are freed by their last request. */
  close(): void {
    this.registry.close();
  }

  /** One batcher per loaded version, so a swapped-out version finishes its queue on itself. */
  private batcherFor(key: string, model: ServingModel): PredictBatcher {
    let batcher = this.batchers.get(model);
    if (!batcher) {
      const info = model.info;
      const run = (input: Float32Array, rows: number) => model.predict(input, rows);
      batcher = new PredictBatcher(run, info.rowSize, info.outputSize, this.batching(key));
      this.batchers.set(model, batcher);
    }
    return batcher;
  }

  /**
   * The named-tensor batcher of one loaded ONNX version. A batch whose outputs do not answer one row
   * per input row (the probe saw batch 1 and 2 only) is run again call by call rather than split wrongly.
   */
  private namedBatcherFor(key: string, runner: NamedTensorRunner): Coalescer<WireTensor[], WireTensor[]> {
    let batcher = this.namedBatchers.get(runner);
    if (!batcher) {
      batcher = new Coalescer(async (calls, rows) => {
        if (calls.length === 1) return [await runner.run(calls[0])];
        const split = splitOutputs(
          await runner.run(concatFeeds(calls, rows)),
          calls.map((feeds) => feeds[0].dims[0]),
        );
        return split ?? (await Promise.all(calls.map((feeds) => runner.run(feeds))));
      }, this.batching(key));
      this.namedBatchers.set(runner, batcher);
    }
    return batcher;
  }

  private batching(key: string): BatchingOptions {
    const observer = this.options.observer ?? {};
    return {
      maxBatch: Math.max(1, Math.floor(this.options.maxBatch)),
      maxDelayUs: Math.max(0, this.options.maxDelayUs),
      onBatch: (rows, requests, computeMs) => observer.onBatch?.(key, rows, requests, computeMs),
      onQueued: (waitMs) => observer.onQueued?.(key, waitMs),
    };
  }
}
