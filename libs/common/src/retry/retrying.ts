import pRetry, { type Options } from 'p-retry';

/** One failed attempt, carried through p-retry. */
class FailedAttempt extends Error {
  constructor(readonly original: unknown) {
    super('attempt failed');
  }
}

export interface RetryingOptions extends Omit<Options, 'shouldRetry' | 'onFailedAttempt'> {
  /** Whether the failure (as the work threw it) is worth another attempt. */
  shouldRetry: (error: unknown) => boolean;
  onFailedAttempt?: (error: unknown, attemptNumber: number, retriesLeft: number) => void;
}

/**
 * p-retry for work whose failures are not always `instanceof Error` in this realm: p-retry refuses
 * those with a TypeError ("Non-error was thrown") and never retries them. Node's own socket errors
 * (ECONNREFUSED from `net`) are such errors wherever code runs in a separate VM context, as under
 * Jest's ESM mode. Every failure is wrapped for p-retry and unwrapped again, so the caller gets
 * exactly what the work threw.
 */
export async function retrying<T>(work: () => Promise<T>, options: RetryingOptions): Promise<T> {
  const { shouldRetry, onFailedAttempt, ...rest } = options;
  try {
    return await pRetry(
      () =>
        work().catch((error: unknown) => {
          throw new FailedAttempt(error);
        }),
      {
        ...rest,
        shouldRetry: ({ error }) => shouldRetry(unwrap(error)),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) =>
          onFailedAttempt?.(unwrap(error), attemptNumber, retriesLeft),
      },
    );
  } catch (error) {
    throw unwrap(error);
  }
}

const unwrap = (error: unknown): unknown => (error instanceof FailedAttempt ? error.original : error);
