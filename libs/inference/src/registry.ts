import { loadServingModel, type AnyLoadOptions } from './load-model.js';
import type { ModelInfo, ServingModel } from './loaded-model.js';

/** What the registry knows of a version beyond its artifact: fills an ONNX model's free dimensions. */
export interface DeclaredSignature {
  inputShape?: number[];
  featureNames?: string[];
}

interface Entry {
  key: string;
  model: ServingModel;
  /** Leases not yet released. */
  refs: number;
  /** Replaced or unloaded: disposed once refs reaches 0. */
  retired: boolean;
}

/** A loaded model version held for the duration of one request. Always call release(). */
export interface ModelLease {
  /** The loaded version this lease holds (do not dispose it; the registry does). */
  readonly model: ServingModel;
  /** Gives the version back; idempotent. */
  release(): void;
}

export interface ModelRegistryOptions {
  /** Options of every load (bounds, warm-up). */
  load?: AnyLoadOptions;
  /** Told when a retired version's weights are freed (for logs and tests). */
  onDispose?: (key: string, info: ModelInfo) => void;
}

/**
 * Loaded model versions keyed by e.g. `name@version`, with reference counting. Internal to
 * ModelServer, which is its only user.
 *
 * - `load(key, source)` loads and warms the new model fully before swapping it in; if that fails
 *   the version already serving under the key keeps serving and the error (ModelLoadError) is thrown.
 * - `acquire(key)` hands out a lease on the serving version; a request that started on a version
 *   finishes on it. A replaced or unloaded version is disposed when its last lease is released.
 * - loads of one key run one after another, in call order.
 */
export class ModelRegistry {
  private readonly serving = new Map<string, Entry>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ModelRegistryOptions = {}) {}

  /** Loads `source` (TF.js or ONNX; `declared`: the version's inputShape/featureNames) and serves it under `key`. */
  load(key: string, source: string, declared: DeclaredSignature = {}): Promise<ModelInfo> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const model = await loadServingModel(source, { ...this.options.load, ...declared, label: key });
        const old = this.serving.get(key);
        this.serving.set(key, { key, model, refs: 0, retired: false });
        if (old) this.retire(old);
        return model.info;
      });
    this.queues.set(key, next);
    void next
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      })
      .catch(() => undefined);
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
      model: entry.model,
      release: () => {
        if (released) return;
        released = true;
        entry.refs -= 1;
        if (entry.retired && entry.refs === 0) this.dispose(entry);
      },
    };
  }

  info(key: string): ModelInfo | undefined {
    return this.serving.get(key)?.model.info;
  }

  loadedKeys(): string[] {
    return [...this.serving.keys()];
  }

  /** Unloads everything (retired versions are freed when their leases end). */
  close(): void {
    for (const key of this.loadedKeys()) this.unload(key);
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    if (entry.refs === 0) this.dispose(entry);
  }

  private dispose(entry: Entry): void {
    const info = entry.model.info;
    entry.model.dispose();
    this.options.onDispose?.(entry.key, info);
  }
}
