/**
 * What HEAP_GROWING_PERCENT costs and saves: the built API with the default (20) beside V8's own
 * factor (HEAP_GROWING_PERCENT=0), same build, alternating rounds of 1-row predict at 64 connections
 * (sensor-anomaly); after each round, each side's RSS (anonymous part) and heap in use. Prints
 * req/s, p99 and the RSS range per side, and the ratios.
 *
 *   npm run build && BENCH_ROUNDS=6 BENCH_ROUND_SECONDS=10 npx tsx bench/heap-growth.ts
 */
import { onePredict, startBenchApp, type BenchApp } from './lib/bench-app.js';
import { median, round, settings, type RoundResult } from './lib/load-runner.js';

interface Side {
  name: string;
  app: BenchApp;
  rounds: RoundResult[];
  rssMb: number[];
  anonMb: number[];
}

const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;

async function main(): Promise<void> {
  const sides: Side[] = [];
  for (const [name, percent] of [
    ['growing 20 %', '20'],
    ["V8's own", '0'],
  ]) {
    const app = await startBenchApp({ HEAP_GROWING_PERCENT: percent });
    sides.push({ name, app, rounds: [], rssMb: [], anonMb: [] });
  }
  for (const side of sides) await round(onePredict(side.app), 64, settings.warmupSeconds);
  for (let index = 0; index < settings.rounds; index += 1) {
    for (const side of sides) {
      side.rounds.push(await round(onePredict(side.app), 64, settings.roundSeconds));
      side.rssMb.push(side.app.rssMb());
      side.anonMb.push(side.app.rssPartsMb().anon);
    }
  }
  console.log(
    `1-row predict, 64 connections, ${settings.rounds}×${settings.roundSeconds} s alternating, ` +
      `node ${process.version}; RSS after each round`,
  );
  const rate = (side: Side) => median(side.rounds.map((r) => r.requestsPerSecond));
  const p99 = (side: Side) => median(side.rounds.map((r) => r.p99Ms));
  for (const side of sides)
    console.log(
      `  ${side.name.padEnd(13)} ${Math.round(rate(side))} req/s  p99 ${p99(side).toFixed(1)} ms  ` +
        `RSS ${range(side.rssMb)} MB (anonymous ${range(side.anonMb)})`,
    );
  const [tuned, own] = sides;
  console.log(
    `  ratio         throughput ×${(rate(tuned) / rate(own)).toFixed(2)}  ` +
      `p99 ×${(p99(tuned) / p99(own)).toFixed(2)}  ` +
      `peak RSS ×${(Math.max(...tuned.rssMb) / Math.max(...own.rssMb)).toFixed(2)}`,
  );
  await Promise.all(sides.map((side) => side.app.stop()));
}

await main();
