/** RSS of a bench app sampled over a sustained load (bench/inference-http.ts, bench/rss-under-predict.ts). */
import { anonymousMemory, describeAnonymousMemory } from './anonymous-memory.js';
import type { BenchApp } from './bench-app.js';
import { round, type Target } from './load-runner.js';

/** RSS (and heap in use, from /metrics: RSS alone cannot tell a leak from postponed major GCs). */
export async function rssUnderLoad(app: BenchApp, target: Target, what: string): Promise<number[]> {
  const seconds = Number(process.env.RSS_SECONDS ?? 300);
  const every = Number(process.env.RSS_EVERY_SECONDS ?? 10);
  /** Heap in use, the heap V8 holds (in use or not) and memory outside it (Buffers, wasm), from /metrics. */
  const heapMb = async () => {
    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
    const mb = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 1048576);
    const names = ['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes'];
    return names.map(mb).join('/');
  };
  const rss: number[] = [];
  const anon: number[] = [];
  const samples: string[] = [];
  const sample = async () => {
    const parts = app.rssPartsMb();
    rss.push(Math.round(app.rssMb()));
    anon.push(Math.round(parts.anon));
    samples.push(`${rss.at(-1)}/${anon.at(-1)}/${Math.round(parts.file)}/${await heapMb()}`);
  };
  await sample();
  const sampler = setInterval(() => void sample(), every * 1000);
  const result = await round(target, 64, seconds);
  clearInterval(sampler);
  await sample();
  const regions = describeAnonymousMemory(anonymousMemory(app.api.child.pid!));
  console.log(
    `RSS over ${seconds} s ${what} at 64 connections (${Math.round(result.requestsPerSecond)} ` +
      `req/s, p99 ${result.p99Ms.toFixed(1)} ms, non-2xx ${result.non2xx}):`,
  );
  console.log(
    `  RSS / anonymous / file-backed / heap used / heap total / external (MB) every ${every} s: ${samples.join(' ')}`,
  );
  console.log(
    `  RSS min ${Math.min(...rss)} max ${Math.max(...rss)} last ${rss.at(-1)} MB, last / first sample under load ` +
      `${(rss.at(-1)! / rss[1]).toFixed(2)} (target: flat, < 250 MB, no hand-set heap cap)`,
  );
  console.log(
    `  anonymous min ${Math.min(...anon)} max ${Math.max(...anon)} last ${anon.at(-1)} MB (the rest is mapped files: ` +
      `code, and SQLite's memory-mapped database, which the kernel reclaims under pressure)`,
  );
  console.log(`  ${regions}`);
  return rss;
}
