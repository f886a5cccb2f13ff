import { setFlagsFromString } from 'node:v8';

/** The default: after each full collection the old generation may grow to 1.2× what survived it. */
export const DEFAULT_HEAP_GROWING_PERCENT = 20;

/**
 * How far V8 lets the heap grow past what the last full collection kept, before the next one
 * (HEAP_GROWING_PERCENT, default 20; 0: V8's own factor). V8 sizes that factor from how fast it
 * collects, up to 4×, and caps the heap from the machine's memory: under a sustained predict load its
 * old generation sawed between 80 and 300 MB of live-and-dead objects, the process's RSS between 185
 * and 500 MB, with about 80 MB alive (bench/rss-under-predict.ts). At 1.2× the heap stays within
 * a few MB of what is alive. It is not a cap: the heap still grows as far as live data needs, and the
 * full collections it adds are mostly concurrent. The flag is read at each collection, so setting it
 * here, before the app loads, works as it does on the command line. Called by the entry points; a
 * value that is not a whole number from 0 to 1000 is left to the configuration's check, which
 * refuses to boot.
 */
export function applyHeapGrowingPercent(value = process.env.HEAP_GROWING_PERCENT): void {
  const percent = value === undefined || value === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(value);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
