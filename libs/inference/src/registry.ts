import { ModelNotLoadedError } from './errors.js';
import { LoadedModel, type LoadModelOptions, type ModelInfo } from './loaded-model.js';

interface Entry {
  key: string;
  model: LoadedModel;
  source: string;
  loadedAt: Date;
  /** Leases not yet released. */
  refs: number;
  /** Replaced or unloaded: disposed once refs reaches 0. */
  retired: boolean;
}

/** A loaded model version held for the duration of one request. Always call release(). */
export interface ModelLease {
  readonly key: string;
  readonly info: ModelInfo;
  /** The loaded version this lease holds (do not dispose it; the registry does). */
  readonly model: LoadedModel;
  /** Predicts on the version this lease holds, even if a newer one was swapped in meanwhile. */
  predict(input: Float32Array, rows: number): Promise<Float32Array>;
  /** Gives the version back; idempotent. */
  release(): void;
}

export interface LoadedModelSummary {
  key: string;
  source: string;
  loadedAt: Date;
  /** Leases currently held on the serving version. */
  inFlight: number;
  info: ModelInfo;
}

export interface ModelRegistryOptions {
  /** Defaults for every load (e.g. batching); per-load options win. */
  defaults?: LoadModelOptions;
  /** Told when a retired version's weights are freed (for logs and tests). */
  onDispose?: (key: string, info: ModelInfo) => void;
}

/**
 * Loaded model versions keyed by e.g. `name@version`, with reference counting.
 *
 * - `load(key, dir)` loads and warms the new model fully before swapping it in; if that fails the
 *   version already serving under the key keeps serving and the error (ModelLoadError) is thrown.
 * - `acquire(key)` hands out a lease on the serving version; a request that started on a version
 *   finishes on it. A replaced or unloaded version is disposed when its last lease is released.
 * - loads of one key run one after another, in call order.
 */
export class ModelRegistry {
  private readonly serving = new Map<string, Entry>();
  private readonly retiring = new Set<Entry>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ModelRegistryOptions = {}) {}

  /** Loads `source` (folder with model.json, or a model JSON path) and makes it serve under `key`. */
  load(key: string, source: string, options?: LoadModelOptions): Promise<ModelInfo> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const model = await LoadedModel.load(source, { label: key, ...this.options.defaults, ...options });
        const old = this.serving.get(key);
        this.serving.set(key, { key, model, source, loadedAt: new Date(), refs: 0, retired: false });
        if (old) this.retire(old);
        return model.info;
      });
    this.queues.set(key, next);
    void next.finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    }).catch(() => undefined);
    return next;
  }

  /** Stops new requests on `key`; its model is freed once no lease holds it. False when not loaded. */
  unload(key: string): boolean {
    const entry = this.serving.get(key);
    if (!entry) return false;
    this.serving.delete(key);
    this.retire(entry);
    return true;
  }

  /** A lease on the version serving under `key`, or undefined when none is loaded. */
  acquire(key: string): ModelLease | undefined {
    const entry = this.serving.get(key);
    if (!entry) return undefined;
    entry.refs += 1;
    let released = false;
    return {
      key,
      info: entry.model.info,
      model: entry.model,
      predict: (input, rows) => {
        if (released) return Promise.reject(new Error('the lease has been released'));
        return entry.model.predict(input, rows);
      },
      release: () => {
        if (released) return;
        released = true;
        entry.refs -= 1;
        if (entry.retired && entry.refs === 0) this.dispose(entry);
      },
    };
  }

  /** Acquires, predicts and releases. Throws ModelNotLoadedError, PredictInputError. */
  async predict(key: string, input: Float32Array, rows: number): Promise<{ values: Float32Array; info: ModelInfo }> {
    const lease = this.acquire(key);
    if (!lease) throw new ModelNotLoadedError(key);
    try {
      return { values: await lease.predict(input, rows), info: lease.info };
    } finally {
      lease.release();
    }
  }

  has(key: string): boolean {
    return this.serving.has(key);
  }

  info(key: string): ModelInfo | undefined {
    return this.serving.get(key)?.model.info;
  }

  loadedKeys(): string[] {
    return [...this.serving.keys()];
  }

  /** Every serving version with its info. */
  list(): LoadedModelSummary[] {
    return [...this.serving.values()].map((entry) => ({
      key: entry.key,
      source: entry.source,
      loadedAt: entry.loadedAt,
      inFlight: entry.refs,
      info: entry.model.info,
    }));
  }

  /** Replaced or unloaded versions still held by a lease. */
  retiringCount(): number {
    return this.retiring.size;
  }

  /** Unloads everything (retired versions are freed when their leases end). */
  close(): void {
    for (const key of this.loadedKeys()) this.unload(key);
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    if (entry.refs === 0) this.dispose(entry);
    else this.retiring.add(entry);
  }

  private dispose(entry: Entry): void {
    this.retiring.delete(entry);
    const info = entry.model.info;
    entry.model.dispose();
    this.options.onDispose?.(entry.key, info);
  }
}
