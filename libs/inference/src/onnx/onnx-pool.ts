import { HostChannel, HostGoneError } from './host-channel.js';

/** Makes a worker ready to serve: opens and warms its session (throws when it cannot). */
export type OpenHost = (host: HostChannel) => Promise<void>;

/** What the pool tells about a worker it lost, and whether its replacement serves. */
export interface WorkerLoss {
  reason: string;
  /** Undefined when the replacement serves; else why it could not start (the next call tries again). */
  replacementError?: string;
}

interface Slot {
  host: HostChannel;
  /** Set while a replacement opens; calls that find no live host wait for it. */
  replacing?: Promise<HostChannel>;
}

/**
 * The worker threads of one ONNX version, one session each. A worker that exits while serving (a
 * native crash in the runtime, the thread ended from elsewhere) is replaced by a fresh one that
 * opens and warms the same file; the calls that were running on it fail with HostGoneError and are
 * run once more on a live or fresh worker, since an inference call has no side effect. A call
 * whose second worker dies as well fails (a poison input must not take the pool down in a loop).
 */
export class OnnxWorkerPool {
  private readonly slots: Slot[] = [];
  private closed = false;
  /** Set once every first worker opened: a worker lost before that fails the load instead. */
  private serving = false;

  private constructor(
    private readonly open: OpenHost,
    private readonly onLoss?: (loss: WorkerLoss) => void,
  ) {}

  /** Starts `size` workers and opens every one; on failure the workers end and the error is thrown. */
  static async start(size: number, open: OpenHost, onLoss?: (loss: WorkerLoss) => void): Promise<OnnxWorkerPool> {
    const pool = new OnnxWorkerPool(open, onLoss);
    for (let i = 0; i < size; i += 1) pool.slots.push({ host: pool.spawn(i) });
    try {
      await Promise.all(pool.slots.map((slot) => open(slot.host)));
      pool.serving = true;
      return pool;
    } catch (error) {
      pool.close();
      throw error;
    }
  }

  /**
   * A call on the least busy live worker (posted before this returns), run once more on another if its
   * worker is lost meanwhile.
   */
  call<T>(op: string, payload: Record<string, unknown>): Promise<T> {
    const onHost = (host: HostChannel) => host.call<T>(op, payload);
    const live = this.liveHost();
    return (live ? onHost(live) : this.waitForHost().then(onHost)).catch((error: unknown) => {
      if (!(error instanceof HostGoneError) || this.closed) throw error;
      return this.waitForHost().then(onHost);
    });
  }

  /** Workers in the pool (a lost one counts: its replacement takes its slot). */
  get size(): number {
    return this.slots.length;
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots) slot.host.close();
  }

  private liveHost(): HostChannel | undefined {
    const live = this.slots.filter((slot) => slot.host.alive);
    return live.length === 0
      ? undefined
      : live.reduce((best, s) => (s.host.inFlight < best.host.inFlight ? s : best)).host;
  }

  /** A live worker, or the first replacement to serve (a slot whose replacement failed earlier tries again). */
  private async waitForHost(): Promise<HostChannel> {
    if (this.closed) throw new HostGoneError('the model has been disposed');
    this.slots.forEach((slot, index) => {
      if (!slot.host.alive && !slot.replacing)
        void this.replace(index, 'a previous replacement failed').catch(() => {});
    });
    const live = this.liveHost();
    if (live) return live;
    return Promise.any(this.slots.map((slot) => slot.replacing ?? Promise.reject(new Error('none')))).catch(() => {
      throw new HostGoneError('every ONNX worker of the model exited and none could be restarted');
    });
  }

  private spawn(index: number): HostChannel {
    return HostChannel.worker((reason) => {
      if (this.serving && !this.closed) void this.replace(index, reason).catch(() => undefined);
    });
  }

  /** The slot's replacement under way, or a new one. */
  private replace(index: number, reason: string): Promise<HostChannel> {
    const slot = this.slots[index];
    if (!slot.replacing) {
      const attempt = this.openReplacement(slot, index, reason);
      slot.replacing = attempt;
      const settled = () => {
        if (slot.replacing === attempt) slot.replacing = undefined;
      };
      attempt.then(settled, settled);
    }
    return slot.replacing;
  }

  private async openReplacement(slot: Slot, index: number, reason: string): Promise<HostChannel> {
    let fresh: HostChannel | undefined;
    try {
      fresh = this.spawn(index);
      await this.open(fresh);
    } catch (error) {
      fresh?.close();
      this.onLoss?.({ reason, replacementError: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    if (this.closed) {
      fresh.close();
      throw new HostGoneError('the model has been disposed');
    }
    slot.host = fresh;
    this.onLoss?.({ reason });
    return fresh;
  }
}
