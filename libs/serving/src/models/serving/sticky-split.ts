import { createHash } from 'node:crypto';
import type { WeightedVersion } from './traffic-policy.entity.js';

/** Weights of a policy's primaries are integers that sum to this. */
export const TOTAL_WEIGHT = 100;

/**
 * The primary a caller gets: a bucket 0..99 from SHA-256(revision + caller), walked through the
 * cumulative weights. Same caller and same revision, same version; a new revision (any change of
 * the policy) reshuffles callers once.
 */
export function stickyVersion(versions: WeightedVersion[], revision: number, caller: string): string {
  const bucket = createHash('sha256').update(`${revision}\u0000${caller}`).digest().readUInt32BE(0) % TOTAL_WEIGHT;
  let upTo = 0;
  for (const { version, weight } of versions) {
    upTo += weight;
    if (bucket < upTo) return version;
  }
  return versions[versions.length - 1].version;
}

/** Who is calling, for stickiness: the API key when one was used, else the user, else the client address. */
export function callerKey(caller: { userId?: number | null; apiKeyId?: number; address?: string }): string {
  if (caller.apiKeyId !== undefined) return `key:${caller.apiKeyId}`;
  if (caller.userId !== undefined && caller.userId !== null) return `user:${caller.userId}`;
  return `ip:${caller.address ?? 'unknown'}`;
}
