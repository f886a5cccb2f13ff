import { ModelLoadError } from './errors.js';

/**
 * Runs `work`, failing with `code` after `ms` (no bound when `ms` is unset). Work that finishes
 * after its bound is handed to `late` (to free what it made); a late failure is swallowed.
 */
export async function within<T>(
  ms: number | undefined,
  code: 'LOAD_TIMEOUT' | 'WARMUP_TIMEOUT',
  work: () => Promise<T>,
  late?: (value: T) => void,
): Promise<T> {
  const running = work();
  if (!ms) return running;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(
        new ModelLoadError(
          code,
          `the model's ${code === 'LOAD_TIMEOUT' ? 'artifact did not load' : 'warm-up run did not finish'} ` +
            `within ${ms} ms`,
        ),
      );
    }, ms);
  });
  running.then(
    (value) => timedOut && late?.(value),
    () => undefined,
  );
  return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
}
