/** RSS of a bench app sampled over a sustained load (bench/inference-http.ts, bench/rss-under-predict.ts). */
import type { BenchApp } from './bench-app.js';
import { round, type Target } from './load-runner.js';

/** RSS (and heap in use, from /metrics: RSS alone cannot tell a leak from postponed major GCs). */
export async function rssUnderLoad(app: BenchApp, target: Target, what: string): Promise<number[]> {
  const seconds = Number(process.env.RSS_SECONDS ?? 300);
  const every = Number(process.env.RSS_EVERY_SECONDS ?? 10);
  const heapUsedMb = async () =>
    Math.round(
      Number(
        /^nodejs_heap_size_used_bytes (\S+)/m.exec(await (await fetch(`${app.baseUrl}/metrics`)).text())?.[1] ?? 0,
      ) / 1048576,
    );
  const rss: number[] = [];
  const samples: string[] = [];
  const sample = async () => {
    rss.push(Math.round(app.rssMb()));
    samples.push(`${rss.at(-1)}/${await heapUsedMb()}`);
  };
  await sample();
  const sampler = setInterval(() => void sample(), every * 1000);
  const result = await round(target, 64, seconds);
  clearInterval(sampler);
  await sample();
  console.log(
    `RSS over ${seconds} s ${what} at 64 connections (${Math.round(result.requestsPerSecond)} ` +
      `req/s, p99 ${result.p99Ms.toFixed(1)} ms, non-2xx ${result.non2xx}):`,
  );
  console.log(`  RSS / heap used (MB) every ${every} s: ${samples.join(' ')}`);
  console.log(
    `  RSS min ${Math.min(...rss)} max ${Math.max(...rss)} last ${rss.at(-1)} MB, last / first sample under load ` +
      `${(rss.at(-1)! / rss[1]).toFixed(2)} (target: flat, < 250 MB, no hand-set heap cap)`,
  );
  return rss;
}
