import { setTimeout as sleep } from 'node:timers/promises';
import { classifyDbError } from '@app/database';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

export interface DbRetryOptions {
  /** Give up (rethrow) once this much time has passed since the first failure. */
  budgetMs: number;
  /** Rethrow at once when this says so (shutdown). */
  stopping: () => boolean;
  onRetry?: (error: unknown, delayMs: number) => void;
}

/**
 * Runs `work`, retrying with exponential back-off while the database is unreachable. Any other
 * error is rethrown at once. Used around each step of a job, so an outage pauses the job instead
 * of failing it; the step must be idempotent (a lost COMMIT acknowledgement repeats it).
 */
export async function retryWhileDbUnavailable<T>(work: () => Promise<T>, options: DbRetryOptions): Promise<T> {
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (
        classifyDbError(error) !== 'unavailable' ||
        options.stopping() ||
        Date.now() - started + delay > options.budgetMs
      )
        throw error;
      options.onRetry?.(error, delay);
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
