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
  /** Replaced, unloaded or evicted: disposed once refs reaches 0. */
  retired: boolean;
}

/** A registered version: where it loads from, and what its last load reported (kept while evicted). */
interface Registration {
  source: string;
  declared: DeclaredSignature;
  info: ModelInfo;
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
 * Registered model versions keyed by e.g. `name@version`, each resident (loaded) or not, with
 * reference counting. Internal to ModelServer and its Residency.
 *
 * - `load(key, source)` loads and warms the new model fully before swapping it in and registers
 *   it; if that fails the version already serving under the key keeps serving and the error
 *   (ModelLoadError) is thrown.
 * - `acquire(key)` hands out a lease on the resident version; a request that started on a version
 *   finishes on it. A replaced or unloaded version is disposed when its last lease is released.
 * - `evict(key)` frees an idle resident version but keeps it registered; `reload(key)` makes it
 *   resident again from the same source.
 * - loads of one key run one after another, in call order.
 */
export class ModelRegistry {
  private readonly serving = new Map<string, Entry>();
  private readonly registered = new Map<string, Registration>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ModelRegistryOptions = {}) {}

  /** Loads `source` (TF.js or ONNX; `declared`: the version's inputShape/featureNames) and serves it under `key`. */
  load(key: string, source: string, declared: DeclaredSignature = {}): Promise<ModelInfo> {
    return this.queued(key, async () => {
      const model = await loadServingModel(source, { ...this.options.load, ...declared, label: key });
      this.registered.set(key, { source, declared, info: model.info });
      this.swapIn(key, model);
      return model.info;
    });
  }

  /**
   * Loads a registered, evicted version again from its source. Resolves false when the key was
   * unregistered (or already resident) by the time the load ran.
   */
  reload(key: string): Promise<boolean> {
    return this.queued(key, async () => {
      const registration = this.registered.get(key);
      if (!registration || this.serving.has(key)) return false;
      const { source, declared } = registration;
      const model = await loadServingModel(source, { ...this.options.load, ...declared, label: key });
      // Unloaded while it loaded: nothing serves under the key any more.
      if (this.registered.get(key) !== registration) {
        model.dispose();
        return false;
      }
      registration.info = model.info;
      this.swapIn(key, model);
      return true;
    });
  }

  /** Frees the resident version of `key` when no lease holds it, keeping it registered. */
  evict(key: string): boolean {
    const entry = this.serving.get(key);
    if (!entry || entry.refs > 0) return false;
    this.serving.delete(key);
    this.retire(entry);
    return true;
  }

  /** Stops new requests on `key` and forgets it; its model is freed once no lease holds it. False when unknown. */
  unload(key: string): boolean {
    const wasRegistered = this.registered.delete(key);
    const entry = this.serving.get(key);
    if (entry) {
      this.serving.delete(key);
      this.retire(entry);
    }
    return wasRegistered || entry !== undefined;
  }

  /** A lease on the version resident under `key`, or undefined when none is. */
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

  /** What the version's last load reported, resident or not; undefined when not registered. */
  info(key: string): ModelInfo | undefined {
    return this.registered.get(key)?.info;
  }

  isRegistered(key: string): boolean {
    return this.registered.has(key);
  }

  isResident(key: string): boolean {
    return this.serving.has(key);
  }

  /** Leases held on the resident version of `key` (0 when not resident). */
  leases(key: string): number {
    return this.serving.get(key)?.refs ?? 0;
  }

  /** Every registered key, resident or not. */
  loadedKeys(): string[] {
    return [...this.registered.keys()];
  }

  residentKeys(): string[] {
    return [...this.serving.keys()];
  }

  /** Unloads everything (retired versions are freed when their leases end). */
  close(): void {
    for (const key of this.loadedKeys()) this.unload(key);
  }

  private swapIn(key: string, model: ServingModel): void {
    const old = this.serving.get(key);
    this.serving.set(key, { key, model, refs: 0, retired: false });
    if (old) this.retire(old);
  }

  /** Runs `work` after every earlier load of `key`, whatever their outcome. */
  private queued<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(key, next);
    void next
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      })
      .catch(() => undefined);
    return next;
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
