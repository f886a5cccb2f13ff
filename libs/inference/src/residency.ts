import { ModelLoadError, ResidencyError } from './errors.js';
import type { ModelInfo } from './loaded-model.js';
import type { DeclaredSignature, ModelLease, ModelRegistry } from './registry.js';

export interface ResidencyOptions {
  /** Bytes the resident versions may hold together (measured at load); unset or 0: no limit. */
  budgetBytes?: number;
  /** Longest a call waits for its version's load when the caller gives no deadline. */
  loadWaitMs: number;
  /** Told after every load (deploy, boot or on demand) with its duration and measured bytes. */
  onLoad?: (key: string, loadMs: number, bytes: number) => void;
  /** Told after every eviction (never an unload) with the bytes it freed. */
  onEvict?: (key: string, bytes: number) => void;
}

/** One registered version as the residency report shows it (readiness, metrics). */
export interface ResidencyState {
  key: string;
  resident: boolean;
  /** Measured at its last load (memory-footprint.ts). */
  bytes: number;
  /** Leases of calls in flight plus pins (jobs): while above 0 it is never evicted. */
  inUse: number;
}

/**
 * Which registered versions are resident under a memory budget. Without a budget every registered
 * version stays resident (the registry alone). With one:
 * - a load (deploy, boot, sync) first evicts idle versions, least recently used first, until the
 *   version's last measured bytes fit, then trims again by what the load measured; a version that
 *   does not fit stays registered and is evicted at once (its calls answer OVER_BUDGET);
 * - `acquire` of an evicted version waits for its load, bounded by the call's wait; concurrent
 *   calls share one load; when it cannot fit even after evicting every idle version it throws
 *   ResidencyError OVER_BUDGET at once, evicting nothing;
 * - a version with a lease (a call in flight) or a pin (a job) is never evicted;
 * - loads run one at a time, so the measured growth is the loading version's own and two loads
 *   never overshoot the budget together.
 */
export class Residency {
  private readonly lastUsed = new Map<string, number>();
  private readonly pins = new Map<string, number>();
  private readonly coldLoads = new Map<string, Promise<void>>();
  private loads: Promise<unknown> = Promise.resolve();
  private clock = 0;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly options: ResidencyOptions,
  ) {}

  /** Loads and registers `key` (see ModelRegistry.load), then keeps the resident set within the budget. */
  load(key: string, source: string, declared?: DeclaredSignature): Promise<ModelInfo> {
    return this.oneAtATime(async () => {
      this.makeRoom(key, this.registry.info(key)?.residentBytes ?? 0);
      const info = await this.timed(key, () => this.registry.load(key, source, declared).then((i) => [i, i] as const));
      this.touch(key);
      this.trim(key);
      return info;
    });
  }

  /**
   * A lease on the resident version of `key`, loading it first when it was evicted and waiting at
   * most `waitMs` for that; undefined when `key` is not registered. Throws ResidencyError.
   */
  async acquire(key: string, waitMs = this.options.loadWaitMs): Promise<ModelLease | undefined> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      if (!this.registry.isRegistered(key)) return undefined;
      const lease = this.acquireResident(key);
      if (lease) return lease;
      // Evicted again between its load and this turn (another load trimmed it): load once more.
      await this.waitFor(key, deadline);
    }
  }

  /**
   * The lease of `key` in this turn when it is resident, else undefined. A call on a warm version takes
   * it synchronously, so calls reach the batcher in the order they were made and a lone call is not
   * held a turn behind a burst (adaptive batching counts on arrival order).
   */
  acquireResident(key: string): ModelLease | undefined {
    const lease = this.registry.acquire(key);
    if (lease) this.touch(key);
    return lease;
  }

  /** Keeps `key` from eviction until the returned release is called (a job's version, for the whole job). */
  pin(key: string): () => void {
    this.pins.set(key, (this.pins.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.pins.get(key) ?? 1) - 1;
      if (left > 0) this.pins.set(key, left);
      else this.pins.delete(key);
    };
  }

  /** Forgets `key` (unloaded from the registry). */
  forget(key: string): void {
    this.lastUsed.delete(key);
  }

  /** Every registered version, resident or not, with its measured bytes and current users. */
  report(): ResidencyState[] {
    return this.registry.loadedKeys().map((key) => ({
      key,
      resident: this.registry.isResident(key),
      bytes: this.bytesOf(key),
      inUse: this.inUse(key),
    }));
  }

  get budgetBytes(): number | undefined {
    return this.options.budgetBytes || undefined;
  }

  private waitFor(key: string, deadline: number): Promise<void> {
    let loading = this.coldLoads.get(key);
    if (!loading) {
      loading = this.oneAtATime(() => this.loadCold(key)).finally(() => this.coldLoads.delete(key));
      this.coldLoads.set(key, loading);
    }
    const left = deadline - performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ResidencyError('LOAD_WAIT_EXCEEDED', `${key} did not load within the call's wait`)),
        Math.max(0, left),
      );
    });
    return Promise.race([loading, late]).finally(() => clearTimeout(timer));
  }

  private async loadCold(key: string): Promise<void> {
    if (this.registry.isResident(key) || !this.registry.isRegistered(key)) return;
    const bytes = this.bytesOf(key);
    if (!this.makeRoom(key, bytes))
      throw new ResidencyError(
        'OVER_BUDGET',
        `${key} needs ${bytes} bytes; the memory budget of ${this.options.budgetBytes} bytes ` +
          `has ${this.freeAfterEvictions(key)} bytes free after evicting every idle version`,
      );
    try {
      await this.timed(key, async () => {
        const loaded = await this.registry.reload(key);
        return [loaded, loaded ? this.registry.info(key) : undefined] as const;
      });
    } catch (error) {
      const reason = error instanceof ModelLoadError ? error.reason : 'the runtime could not load it';
      throw new ResidencyError('LOAD_FAILED', `${key} could not be loaded again: ${reason}`);
    }
    this.touch(key);
    this.trim(key);
  }

  /** Evicts idle versions, least recently used first, until `bytes` more fit; false, evicting none, if they cannot. */
  private makeRoom(key: string, bytes: number): boolean {
    const budget = this.budgetBytes;
    if (budget === undefined) return true;
    if (this.freeAfterEvictions(key) < bytes) return false;
    for (const victim of this.idleByAge(key)) {
      if (this.residentBytes() + bytes <= budget) break;
      this.evict(victim);
    }
    return true;
  }

  /** After a load measured `key`: evicts idle others until within budget, and `key` itself last. */
  private trim(key: string): void {
    const budget = this.budgetBytes;
    if (budget === undefined) return;
    for (const victim of [...this.idleByAge(key), key]) {
      if (this.residentBytes() <= budget) return;
      if (this.inUse(victim) === 0) this.evict(victim);
    }
  }

  private freeAfterEvictions(key: string): number {
    const busy = this.registry
      .residentKeys()
      .filter((other) => other !== key && this.inUse(other) > 0)
      .reduce((sum, other) => sum + this.bytesOf(other), 0);
    return (this.budgetBytes ?? Infinity) - busy;
  }

  /** Resident versions other than `key` that nothing uses, least recently used first. */
  private idleByAge(key: string): string[] {
    return this.registry
      .residentKeys()
      .filter((other) => other !== key && this.inUse(other) === 0)
      .sort((a, b) => (this.lastUsed.get(a) ?? 0) - (this.lastUsed.get(b) ?? 0));
  }

  private evict(key: string): void {
    if (this.registry.evict(key)) this.options.onEvict?.(key, this.bytesOf(key));
  }

  private residentBytes(): number {
    return this.registry.residentKeys().reduce((sum, key) => sum + this.bytesOf(key), 0);
  }

  private inUse(key: string): number {
    return this.registry.leases(key) + (this.pins.get(key) ?? 0);
  }

  private bytesOf(key: string): number {
    return this.registry.info(key)?.residentBytes ?? 0;
  }

  private touch(key: string): void {
    this.lastUsed.set(key, ++this.clock);
  }

  /** Runs a load and reports it; `work` resolves to its result and the info it measured. */
  private async timed<T>(key: string, work: () => Promise<readonly [T, ModelInfo | undefined]>): Promise<T> {
    const started = performance.now();
    const [result, info] = await work();
    if (info) this.options.onLoad?.(key, performance.now() - started, info.residentBytes);
    return result;
  }

  /** Under a budget loads run one at a time (see the class comment); without one, as they come. */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    if (this.budgetBytes === undefined) return work();
    const next = this.loads.catch(() => undefined).then(work);
    this.loads = next;
    return next;
  }
}
