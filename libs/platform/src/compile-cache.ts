import nodeModule from 'node:module';

/**
 * Turns on Node's on-disk compile cache (Node 22.1+, so the image's Node 26; a no-op on Node 20):
 * V8 keeps the compiled code of every module it loads and a later boot skips parsing and compiling
 * them, most of what is left of a boot once the app is bundled. The cache lives in NODE_COMPILE_CACHE
 * when set, else in the system's temporary folder; a missing or unwritable folder only means no cache.
 * Called by the entry points before they import the app.
 */
export function enableCompileCacheWhereSupported(): void {
  const { enableCompileCache } = nodeModule as { enableCompileCache?: (directory?: string) => unknown };
  try {
    enableCompileCache?.();
  } catch {
    // Caching is an optimisation: never a reason not to start.
  }
}
