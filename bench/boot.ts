/**
 * Boot to ready (spawn → /health/ready 200, shipped models loaded and verified, a fresh SQLite
 * database migrated, the admin created), for the ways the API can start, alternating so that the
 * machine's drift hits each alike; medians of BOOT_ROUNDS (default 7):
 *   modules         node dist/apps/api/src/main.js  (the tsc output, ~3 700 module files with node_modules)
 *   bundle          node dist/bundle/api.mjs        (what start:prod and the image run), compile cache off
 *   bundle + cache  the same with Node's compile cache (Node 22.1+; on Node 20 the same as "bundle")
 * The first boot of the cached variant fills the cache and is left out (the image's first start).
 * Run it with the Node you deploy on (the image: Node 26) as well as the one you develop on.
 *
 *   npm run build && npx tsx bench/boot.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBenchApp } from './lib/bench-app.js';
import { median } from './lib/load-runner.js';

const rounds = Number(process.env.BOOT_ROUNDS ?? 7);
const cacheDir = mkdtempSync(join(tmpdir(), 'bench_compile_cache_'));
const variants: { label: string; entry: string; env: Record<string, string> }[] = [
  { label: 'modules', entry: 'dist/apps/api/src/main.js', env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  { label: 'bundle', entry: 'dist/bundle/api.mjs', env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  { label: 'bundle + cache', entry: 'dist/bundle/api.mjs', env: { NODE_COMPILE_CACHE: cacheDir } },
];

/** Spawn → /health/ready 200 of `entry` on a fresh database (startBenchApp's bootMs; its login comes after). */
async function bootOnce(entry: string, env: Record<string, string>): Promise<number> {
  const app = await startBenchApp(env, resolve(entry));
  await app.stop();
  return app.bootMs;
}

console.log(
  `boot to ready on Node ${process.versions.node}, ${rounds} alternating rounds (fresh SQLite database each time)`,
);
await bootOnce(variants[2].entry, variants[2].env); // fills the compile cache
const times = variants.map(() => [] as number[]);
for (let round = 0; round < rounds; round += 1) {
  for (const [index, variant] of variants.entries()) times[index].push(await bootOnce(variant.entry, variant.env));
}
const baseline = median(times[0]);
for (const [index, variant] of variants.entries()) {
  const value = median(times[index]);
  console.log(
    `  ${variant.label.padEnd(15)} ${Math.round(value)} ms  ` +
      `(${((value / baseline) * 100).toFixed(0)} % of modules)  rounds [${times[index].map(Math.round).join(', ')}]`,
  );
}
rmSync(cacheDir, { recursive: true, force: true });
