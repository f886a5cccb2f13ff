import type { Redis } from 'ioredis';
// The plugin's own Redis store (its Lua script), wrapped below; the package declares no types for it.
// @ts-expect-error -- untyped CommonJS module inside @fastify/rate-limit
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';

type Callback = (error: Error | null, result: { current: number; ttl: number } | null) => void;

interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): Store;
}

/** What a store failure is reported to (a log line and a metric); the request is let through. */
export type StoreErrorReporter = (error: Error) => void;

/**
 * The plugin's Redis store with every call bounded: the client has no offline queue and a command
 * timeout (RedisConnection.fastClient), and a timer here covers anything else, so a Redis outage
 * costs a request at most `timeoutMs`. The plugin runs with `skipOnError`: a failed count lets the
 * request through (fail open) rather than refusing every client while the shared store is away.
 */
export function boundedRedisStore(redis: Redis, nameSpace: string, timeoutMs: number, report: StoreErrorReporter) {
  class BoundedStore implements Store {
    constructor(private readonly inner: Store) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      let settled = false;
      const finish: Callback = (error, result) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) report(error);
        callback(error, result);
      };
      const timer = setTimeout(
        () => finish(new Error(`Rate-limit store did not answer within ${timeoutMs} ms`), null),
        timeoutMs,
      );
      try {
        this.inner.incr(key, finish, timeWindow, max);
      } catch (error) {
        finish(error as Error, null);
      }
    }

    child(routeOptions: unknown): Store {
      return new BoundedStore(this.inner.child(routeOptions));
    }
  }
  // The plugin constructs the root store itself (`new Store(globalParams)`), hence a class.
  return class RootStore extends BoundedStore {
    constructor() {
      super(new RedisStore(false, false, redis, nameSpace) as Store);
    }
  };
}

/**
 * Logs the first store error, then at most one line per interval with the count since, so an outage
 * under load does not turn into a log line per request. Every error is counted in `count`.
 */
export function throttledReporter(
  log: (message: string) => void,
  count: () => void,
  intervalMs = 10_000,
): StoreErrorReporter {
  let lastLogged = 0;
  let suppressed = 0;
  return (error) => {
    count();
    const now = Date.now();
    if (now - lastLogged < intervalMs) {
      suppressed += 1;
      return;
    }
    log(
      `Rate-limit store unavailable, requests are let through: ` +
        `${error.message}${suppressed ? ` (${suppressed} more since the last report)` : ''}`,
    );
    lastLogged = now;
    suppressed = 0;
  };
}
