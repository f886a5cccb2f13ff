/**
 * The shared load runner of the same-run benches: `wrk` (one client thread) when installed, else
 * autocannon, and alternating rounds product / reference so both figures come from the same minutes
 * of a (possibly busy) machine. Medians of the rounds; p99 is the median of the rounds' p99s.
 *
 *   BENCH_TOOL=autocannon        force the fallback
 *   BENCH_ROUNDS=3               rounds per side (alternating)
 *   BENCH_ROUND_SECONDS=5        length of a round
 *   BENCH_WARMUP_SECONDS=2       unmeasured warm-up of each side before the rounds
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { runWrk, wrkScript } from './wrk.js';

export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A server and the requests to send it, cycled in order (several give e.g. random ids). */
export interface Target {
  baseUrl: string;
  requests: BenchRequest[];
}

export interface RoundResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  roundSeconds: Number(process.env.BENCH_ROUND_SECONDS ?? 5),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
};

const wrkInstalled = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
export const loadTool: 'wrk' | 'autocannon' =
  process.env.BENCH_TOOL === 'autocannon' || !wrkInstalled ? 'autocannon' : 'wrk';

const scratch = mkdtempSync(join(tmpdir(), 'bench_load_'));
let scripts = 0;

/** One round against one target: `connections` connections, one client thread, `seconds` long. */
export async function round(target: Target, connections: number, seconds: number): Promise<RoundResult> {
  if (loadTool === 'wrk') {
    const script = join(scratch, `requests-${scripts++}.lua`);
    writeFileSync(script, wrkScript(target.requests));
    return runWrk(target.baseUrl, script, connections, seconds);
  }
  let next = 0;
  const result = await autocannon({
    url: target.baseUrl,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, ...target.requests[next++ % target.requests.length] }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export interface Summary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  rounds: number[];
}

function summarise(results: RoundResult[]): Summary {
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    rounds: results.map((r) => Math.round(r.requestsPerSecond)),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
export const describe = (s: Summary) =>
  `${fmt(s.requestsPerSecond).padStart(8)} req/s  p50 ${s.p50Ms.toFixed(2)} ms  p99 ${s.p99Ms.toFixed(2)} ms  ` +
  `non-2xx ${s.non2xx}  errors ${s.errors}  rounds [${s.rounds.map(fmt).join(', ')}]`;

/** One side alone (no reference): warm-up, then `rounds` rounds, printed. */
export async function measure(label: string, target: Target, connections: number): Promise<Summary> {
  if (settings.warmupSeconds > 0) await round(target, connections, settings.warmupSeconds);
  const results: RoundResult[] = [];
  for (let index = 0; index < settings.rounds; index += 1)
    results.push(await round(target, connections, settings.roundSeconds));
  const summary = summarise(results);
  console.log(`${label} (${connections} conn, ${loadTool})\n  product  ${describe(summary)}`);
  return summary;
}

/**
 * The product beside its reference in the same run: both warmed up, then alternating rounds
 * product, reference, product, ... The ratio is of the medians.
 */
export async function compare(
  label: string,
  product: Target,
  ceiling: Target,
  connections: number,
  referenceName = 'ceiling',
): Promise<{ product: Summary; ceiling: Summary; ratio: number }> {
  if (settings.warmupSeconds > 0) {
    await round(product, connections, settings.warmupSeconds);
    await round(ceiling, connections, settings.warmupSeconds);
  }
  const productRounds: RoundResult[] = [];
  const ceilingRounds: RoundResult[] = [];
  for (let index = 0; index < settings.rounds; index += 1) {
    productRounds.push(await round(product, connections, settings.roundSeconds));
    ceilingRounds.push(await round(ceiling, connections, settings.roundSeconds));
  }
  const result = { product: summarise(productRounds), ceiling: summarise(ceilingRounds), ratio: 0 };
  result.ratio = result.product.requestsPerSecond / result.ceiling.requestsPerSecond;
  console.log(`${label} (${connections} conn, ${loadTool}, ${settings.rounds}×${settings.roundSeconds} s alternating)`);
  console.log(`  product  ${describe(result.product)}`);
  console.log(`  ${referenceName.padEnd(8)} ${describe(result.ceiling)}`);
  console.log(
    `  ratio    product / ${referenceName} = ${(result.ratio * 100).toFixed(1)} % (×${result.ratio.toFixed(2)})`,
  );
  return result;
}
