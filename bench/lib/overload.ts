import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchApp } from './bench-app.js';

const PROBE = fileURLToPath(new URL('./overload-probe.ts', import.meta.url));

export interface OverloadRun {
  app: BenchApp;
  /** An autocannon request (method, path, headers, body) stating its deadline. */
  request: object;
  rate: number;
  seconds: number;
  connections: number;
  deadlineMs: number;
  unloadedP99Ms: number;
}

export const percentile = (values: number[], fraction: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length ? sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] : NaN;
};

interface Probe<T> {
  ready: Promise<void>;
  go(): void;
  result: Promise<T>;
}

/** A probe in its own process: `ready` once it has compiled, `go()` to start it, then its JSON result. */
function probe<T>(args: string[]): Probe<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', PROBE, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    output += String(chunk);
    if (output.startsWith('ready\n')) onReady();
  });
  const result = new Promise<T>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output.slice('ready\n'.length)) as T) : reject(new Error(`probe exited ${code}`)),
    ),
  );
  return { ready, go: () => child.stdin.end('go\n'), result };
}

async function saturationShed(app: BenchApp): Promise<number> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const sample = text.split('\n').find((line) => line.startsWith('inference_saturation_shed_total '));
  return sample ? Number(sample.split(' ')[1]) : 0;
}

/**
 * A fixed offered rate, open loop (bench/lib/overload-probe.ts: each request sent when due, its
 * latency counted from then), with a deadline on every request, and GET /health sampled every 10 ms
 * beside it; the load and the sampler each run in a child process. Prints the answers by status, admitted
 * p50/p99 against the unloaded p99, the saturation refusals and /health p50/p99.
 */
export async function overload(o: OverloadRun): Promise<void> {
  const shedBefore = await saturationShed(o.app);
  const loader = probe<{ byStatus: Record<string, number>; admittedMs: number[]; lateMs: number[] }>([
    'load',
    o.app.baseUrl,
    String(Math.round(o.rate)),
    String(o.seconds),
    String(o.connections),
    JSON.stringify(o.request),
  ]);
  const sampler = probe<{ latenciesMs: number[] }>(['health', `${o.app.baseUrl}/health`, String(o.seconds)]);
  await Promise.all([loader.ready, sampler.ready]);
  loader.go();
  sampler.go();
  const [load, health] = await Promise.all([loader.result, sampler.result]);
  const shed = (await saturationShed(o.app)) - shedBefore;
  const p99 = percentile(load.admittedMs, 0.99);
  const counts = Object.entries(load.byStatus)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  console.log(
    `overload: ${Math.round(o.rate)} req/s offered for ${o.seconds} s, ${o.connections} connections, ` +
      `X-Request-Timeout-Ms ${o.deadlineMs}; load and /health sampler in child processes`,
  );
  console.log(`  answers      ${counts}; of the 503s, ${shed} for saturation (event-loop delay)`);
  console.log(
    `  admitted     ${Math.round(load.admittedMs.length / o.seconds)} req/s  ` +
      `p50 ${percentile(load.admittedMs, 0.5).toFixed(1)} ms  p99 ${p99.toFixed(1)} ms = ` +
      `${(p99 / o.unloadedP99Ms).toFixed(2)}× the unloaded p99 (${o.unloadedP99Ms.toFixed(1)} ms; goal ≤ 2×)`,
  );
  console.log(
    `  generator    sent requests late by p50 ${percentile(load.lateMs, 0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(load.lateMs, 0.99).toFixed(1)} ms (its own event loop, on the same cores)`,
  );
  const samples = health.latenciesMs;
  console.log(
    `  /health      p50 ${percentile(samples, 0.5).toFixed(1)} ms  p99 ${percentile(samples, 0.99).toFixed(1)} ms ` +
      `over ${samples.length} samples (goal p99 < 50 ms)`,
  );
}
