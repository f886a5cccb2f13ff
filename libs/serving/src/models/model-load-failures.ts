import { Injectable } from '@nestjs/common';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

export interface ModelLoadFailure {
  model: string;
  version: string;
  reason: string;
  attempts: number;
  /** When this process tries to load it again (ISO 8601). */
  retryAt: string;
}

/**
 * The deployed versions this process could not load (artifact missing or corrupt here), with
 * exponential back-off for the next attempt. Local to the process: the registry row is never
 * changed, because another replica may load the same version fine.
 */
@Injectable()
export class ModelLoadFailures {
  private readonly byKey = new Map<string, ModelLoadFailure & { retryAtMs: number }>();

  /** Records a failed attempt; returns the delay before the next one. */
  record(key: string, model: string, version: string, reason: string, now = Date.now()): number {
    const attempts = (this.byKey.get(key)?.attempts ?? 0) + 1;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
    this.byKey.set(key, {
      model,
      version,
      reason,
      attempts,
      retryAtMs: now + delay,
      retryAt: new Date(now + delay).toISOString(),
    });
    return delay;
  }

  /** Whether the back-off says to wait before trying `key` again. */
  backingOff(key: string, now = Date.now()): boolean {
    const failure = this.byKey.get(key);
    return failure !== undefined && now < failure.retryAtMs;
  }

  clear(key: string): void {
    this.byKey.delete(key);
  }

  /** Drops failures of versions no longer deployed. */
  retain(keys: Set<string>): void {
    for (const key of this.byKey.keys()) if (!keys.has(key)) this.byKey.delete(key);
  }

  all(): ModelLoadFailure[] {
    return [...this.byKey.values()].map(({ retryAtMs: _, ...failure }) => failure);
  }
}
