import { LRUCache } from 'lru-cache';

/** Accounts followed at once; beyond it the least recently failed are forgotten (memory stays bounded). */
const MAX_ACCOUNTS = 10_000;

interface Failures {
  count: number;
  /** When this account's window started: failures count within one login window. */
  since: number;
  warned: boolean;
}

/**
 * Failed sign-ins per account name within the login window (the rate limiter's RATE_LIMIT_TTL_MS).
 * `failed()` answers true exactly once per account and window: when the count first exceeds the
 * threshold, so the caller logs one warning line then, not one per attempt.
 */
export class FailedSignIns {
  private readonly accounts: LRUCache<string, Failures>;

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
  ) {
    this.accounts = new LRUCache({ max: MAX_ACCOUNTS, ttl: windowMs, ttlAutopurge: false });
  }

  failed(account: string, now = Date.now()): boolean {
    let entry = this.accounts.get(account);
    if (!entry || now - entry.since >= this.windowMs) {
      entry = { count: 0, since: now, warned: false };
      this.accounts.set(account, entry);
    }
    entry.count += 1;
    if (entry.count <= this.threshold || entry.warned) return false;
    entry.warned = true;
    return true;
  }

  /** Accounts over the threshold in their current window. */
  underAttack(now = Date.now()): number {
    let count = 0;
    for (const entry of this.accounts.values())
      if (entry.count > this.threshold && now - entry.since < this.windowMs) count += 1;
    return count;
  }
}
