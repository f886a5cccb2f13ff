import { TensorValueError } from './errors.js';
import { selectBackend, type BackendPreference } from './backend.js';
import { PredictBatcher, type Admission } from './batcher.js';
import type { AdmissionError, AdmissionRefusal } from './errors.js';
import { inspectModel, type AnyLoadOptions, type FastPathMode } from './load-model.js';
import type { ModelInfo, ServingModel } from './loaded-model.js';
import { batchGroup, batchRows, runNamedBatch } from './onnx/onnx-batch.js';
import { toNamedOutputs, type NamedInput, type NamedOutput } from './onnx/onnx-feeds.js';
import type { OnnxPoolOptions } from './onnx/onnx-model.js';
import type { WorkerLoss } from './onnx/onnx-pool.js';
import { ModelRegistry, type DeclaredSignature } from './registry.js';
import { Residency, type ResidencyOptions, type ResidencyState } from './residency.js';

/** Longest a call waits for an evicted version's load when neither it nor the server says. */
const DEFAULT_LOAD_WAIT_MS = 30_000;

export interface BatchObserver {
  /** Called once per executed batch. */
  onBatch?(key: string, rows: number, requests: number, computeMs: number): void;
  /** Called once per coalesced request with the time it waited for its batch. */
  onQueued?(key: string, waitMs: number): void;
  /** Called for every request refused (OVERLOADED) or dropped (DEADLINE_EXCEEDED) before compute. */
  onShed?(key: string, code: AdmissionError['code']): void;
  /** Called whenever a version's waiting requests or running executions change. */
  onDepth?(key: string, queued: number, running: number): void;
  /** Called when an ONNX worker of `key` exits while serving, once its replacement serves or failed to start. */
  onWorkerLost?(key: string, loss: WorkerLoss): void;
}

/** What one key's batchers have run in this process (Triton's execution count and batch size). */
export interface BatchStats {
  executions: number;
  requests: number;
  rows: number;
}

export interface ModelServerOptions {
  /** Most rows in one executed batch; 1 (or less) turns batching off. */
  maxBatch: number;
  /**
   * Longest a request waits for others to join its batch, in
   * microseconds (< 1000: the end of the current event-loop turn).
   */
  maxDelayUs: number;
  /** Requests that may wait per loaded version; a request beyond it is refused (AdmissionError OVERLOADED). */
  queueDepth?: number;
  /** The deadline of a sheddable request that states none, in ms (unset or 0: none). */
  defaultTimeoutMs?: number;
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
  /** The memory budget and its hooks (residency.ts); without a budget every version stays resident. */
  residency?: Partial<ResidencyOptions>;
}

/** How long a call may wait for its evicted version's load: until its deadline, else the server's bound. */
function loadWaitMs(admission: Admission): number | undefined {
  return admission.deadline === undefined ? undefined : Math.max(0, admission.deadline - performance.now());
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
 * - every predict goes through the version's bounded queue and adaptive batching (batcher.ts):
 *   concurrent calls are coalesced into one tensor batch of up to `maxBatch` rows, run once, and
 *   split back; rows are independent in inference-mode models, so each caller gets what an
 *   unbatched call returns. V2 calls on an ONNX version that batches are coalesced the same way, per
 *   named input. A call states its deadline; one that cannot start in time never runs.
 * - under a memory budget (`residency`) versions beyond it stay registered but are evicted least
 *   recently used and loaded again on their next call (residency.ts), within the call's deadline;
 *   `loadedKeys` and `info` cover every registered version, `residencyReport` says which are resident.
 */
export class ModelServer {
  /** The backend models load onto; 'unset' until start(). */
  backend = 'unset';
  private readonly registry: ModelRegistry;
  private readonly residency: Residency;
  private readonly loadOptions: AnyLoadOptions;
  private readonly batchers = new WeakMap<ServingModel, PredictBatcher>();
  private readonly stats = new Map<string, BatchStats>();

  constructor(private readonly options: ModelServerOptions) {
    this.loadOptions = {
      loadTimeoutMs: options.loadTimeoutMs,
      warmupTimeoutMs: options.warmupTimeoutMs,
      fastPath: options.fastPath,
      warmupBatch: Math.max(1, Math.floor(options.maxBatch)),
      ...options.onnx,
      onWorkerLost: (key, loss) => options.observer?.onWorkerLost?.(key, loss),
    };
    this.registry = new ModelRegistry({ load: this.loadOptions, onDispose: options.onDispose });
    this.residency = new Residency(this.registry, {
      ...options.residency,
      loadWaitMs: options.residency?.loadWaitMs ?? DEFAULT_LOAD_WAIT_MS,
    });
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
    return this.residency.load(key, source, declared);
  }

  /** Stops new requests on `key`; its model is freed once no request holds it. False when not loaded. */
  unload(key: string): boolean {
    this.residency.forget(key);
    return this.registry.unload(key);
  }

  /** Keeps `key` from eviction until the returned release is called (a job holds its version so). */
  pin(key: string): () => void {
    return this.residency.pin(key);
  }

  /** Whether `key` is loaded now (a registered version may be evicted under the memory budget). */
  isResident(key: string): boolean {
    return this.registry.isResident(key);
  }

  /** Every registered version: resident or evicted, its measured bytes, its users; and the budget. */
  residencyReport(): { budgetBytes?: number; versions: ResidencyState[] } {
    return { budgetBytes: this.residency.budgetBytes, versions: this.residency.report() };
  }

  info(key: string): ModelInfo | undefined {
    return this.registry.info(key);
  }

  /** Every registered version, resident or evicted. */
  loadedKeys(): string[] {
    return this.registry.loadedKeys();
  }

  /** Executions, requests and rows run under `key` in this process (all its versions so far). */
  batchStats(key: string): BatchStats {
    return { ...(this.stats.get(key) ?? { executions: 0, requests: 0, rows: 0 }) };
  }

  /**
   * Runs `rows` rows (rows × rowSize values, already validated by the caller) on the version serving
   * under `key`; undefined when none is. `admission` states its deadline: an evicted version is loaded
   * first, within it (ResidencyError when it cannot be, or does not fit the budget), and AdmissionError
   * when the call cannot start in time.
   */
  async predict(
    key: string,
    input: Float32Array,
    rows: number,
    admission?: Admission,
  ): Promise<PredictOutput | undefined> {
    const admitted = this.withDefault(admission);
    const lease = this.residency.acquireResident(key) ?? (await this.residency.acquire(key, loadWaitMs(admitted)));
    if (!lease) return undefined;
    try {
      const values = await this.batcherFor(key, lease.model).submit(input, rows, admitted);
      return { values, outputSize: values.length / rows };
    } finally {
      lease.release();
    }
  }

  /**
   * Named tensors (V2) on the version serving under `key`; undefined when none is. Only ONNX versions
   * take them (TensorValueError NOT_ROW_SERVABLE otherwise: TF.js goes through predict). They go
   * through the version's queue like predict (same bound, deadlines and execution count). When the
   * model batches, queued calls whose inputs share their trailing dimensions are concatenated along
   * dimension 0 per input, run once and split back; otherwise a call runs alone. A call is checked
   * before it queues, so a bad call fails alone.
   */
  async infer(key: string, inputs: NamedInput[], admission?: Admission): Promise<NamedOutput[] | undefined> {
    const admitted = this.withDefault(admission);
    const lease = this.residency.acquireResident(key) ?? (await this.residency.acquire(key, loadWaitMs(admitted)));
    if (!lease) return undefined;
    try {
      const { model } = lease;
      const runner = model.named;
      if (!runner) throw new TensorValueError('NOT_ROW_SERVABLE', 'named tensors are for ONNX models');
      const feeds = runner.prepare(inputs);
      const rows = runner.batching ? batchRows(feeds) : undefined;
      const batcher = this.batcherFor(key, model);
      const outputs = rows
        ? await batcher.coalesce(
            {
              item: feeds,
              rows,
              group: batchGroup(feeds),
              execute: (calls, total) => runNamedBatch(runner, calls, total),
            },
            admitted,
          )
        : await batcher.runAlone(() => runner.run(feeds), admitted);
      return toNamedOutputs(outputs);
    } finally {
      lease.release();
    }
  }

  /**
   * The refusal a call of `rows` rows arriving now would get from `key`'s queue (queue full, or an
   * expected wait past its deadline), without queueing or counting it; undefined when it would be
   * admitted, or when `key` is not resident or has not run yet (a call then decides for itself).
   */
  refusalFor(key: string, rows: number, admission: Admission): AdmissionRefusal | undefined {
    const lease = this.residency.acquireResident(key);
    if (!lease) return undefined;
    try {
      return this.batchers.get(lease.model)?.refusalFor(rows, this.withDefault(admission));
    } finally {
      lease.release();
    }
  }

  /** Unloads everything (shutdown); versions still held are freed by their last request. */
  close(): void {
    this.registry.close();
  }

  /** A sheddable request without a deadline of its own gets the default one. */
  private withDefault(admission: Admission = {}): Admission {
    const timeoutMs = this.options.defaultTimeoutMs;
    if (admission.deadline !== undefined || !admission.sheddable || !timeoutMs) return admission;
    return { ...admission, deadline: (admission.receivedAt ?? performance.now()) + timeoutMs };
  }

  private count(key: string, rows: number, requests: number): void {
    const stats = this.stats.get(key) ?? { executions: 0, requests: 0, rows: 0 };
    stats.executions += 1;
    stats.requests += requests;
    stats.rows += rows;
    this.stats.set(key, stats);
  }

  /** One batcher per loaded version, so a swapped-out version finishes its queue on itself. */
  private batcherFor(key: string, model: ServingModel): PredictBatcher {
    let batcher = this.batchers.get(model);
    if (!batcher) {
      const info = model.info;
      const observer = this.options.observer ?? {};
      batcher = new PredictBatcher((input, rows) => model.predict(input, rows), info.rowSize, info.outputSize, {
        maxBatch: Math.max(1, Math.floor(this.options.maxBatch)),
        maxDelayUs: Math.max(0, this.options.maxDelayUs),
        queueDepth: Math.max(1, Math.floor(this.options.queueDepth ?? Infinity)),
        concurrency: Math.max(1, model.concurrency ?? 1),
        onBatch: (rows, requests, computeMs) => {
          this.count(key, rows, requests);
          observer.onBatch?.(key, rows, requests, computeMs);
        },
        onQueued: (waitMs) => observer.onQueued?.(key, waitMs),
        onShed: (code) => observer.onShed?.(key, code),
        onDepth: (queued, running) => observer.onDepth?.(key, queued, running),
      });
      this.batchers.set(model, batcher);
    }
    return batcher;
  }
}
