import type { TokenSubject } from '@app/common';

/**
 * How long a token's user is trusted from memory. Every authenticated request needs it; a short
 * cache saves a query per request, and changes made through this process drop the entry at once
 * (other processes see a deactivation or a revocation within this bound).
 */
export const AUTH_USER_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** The token subjects of recent requests, by user id (undefined: no such active user). */
export class AuthUserCache {
  private readonly entries = new Map<number, { user: TokenSubject | undefined; expires: number }>();
  /** Bumped by every forget(), so a read in flight during a change is not cached over it. */
  private generation = 0;

  async get(id: number, load: (id: number) => Promise<TokenSubject | undefined>): Promise<TokenSubject | undefined> {
    const cached = this.entries.get(id);
    if (cached && cached.expires > Date.now()) return cached.user;
    const generation = this.generation;
    const user = await load(id);
    if (generation !== this.generation) return user;
    if (this.entries.size > MAX_ENTRIES) this.entries.clear();
    this.entries.set(id, { user, expires: Date.now() + AUTH_USER_TTL_MS });
    return user;
  }

  forget(id: number): void {
    this.generation += 1;
    this.entries.delete(id);
  }
}
