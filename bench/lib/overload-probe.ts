/**
 * One side of an overload run, in its own process so that neither the load generator nor the /health
 * sampler shares an event loop with the other (an in-process sampler measured the generator's own
 * stalls). Prints `ready`, waits for a line on stdin, runs, then prints one JSON document on stdout.
 *
 *   node --import tsx bench/lib/overload-probe.ts load URL RATE SECONDS CONNECTIONS REQUEST_JSON
 *     -> { byStatus: { "200": n, ... }, admittedMs: [...], lateMs: [...] }
       (latencies of the 200s from when each was due; how late this process sent each request)
 *   node --import tsx bench/lib/overload-probe.ts health URL SECONDS
 *     -> { latenciesMs: [...] }   (GET URL every 10 ms)
 */
import { Pool } from 'undici';

const SAMPLE_GAP_MS = 10;

interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * An open-loop load: request i is due at start + i / rate, sent then whatever the earlier ones are
 * doing, over at most `connections` keep-alive sockets (beyond them it waits for a socket, as a
 * client would). Its latency counts from when it was due, not when a socket took it, so a server
 * that falls behind cannot hide it (coordinated omission, as wrk2 corrects it). autocannon's
 * overallRate is not that: each connection sends its share of a second back to back at the start
 * of the second and then waits, so its "fixed rate" is one burst per second.
 */
async function load(url: string, rate: number, seconds: number, connections: number, raw: string) {
  const spec = JSON.parse(raw) as LoadRequest;
  const pool = new Pool(url, { connections, pipelining: 1 });
  const byStatus: Record<number, number> = {};
  const admittedMs: number[] = [];
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  const options = { path: spec.path, method: spec.method as 'POST', headers: spec.headers, body: spec.body };
  const lateMs: number[] = [];
  const send = async (dueAt: number) => {
    lateMs.push(performance.now() - dueAt);
    try {
      const { statusCode, body } = await pool.request(options);
      await body.dump();
      byStatus[statusCode] = (byStatus[statusCode] ?? 0) + 1;
      if (statusCode === 200) admittedMs.push(performance.now() - dueAt);
    } catch {
      byStatus[0] = (byStatus[0] ?? 0) + 1;
    }
  };
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent += 1) pending.push(send(start + (sent * 1000) / rate));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  await pool.close();
  return { byStatus, admittedMs, lateMs };
}

async function health(url: string, seconds: number) {
  const latenciesMs: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    await (await fetch(url)).arrayBuffer();
    latenciesMs.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_GAP_MS));
  }
  return { latenciesMs };
}

/** Compiled and connected: say so, and start on the parent's word, so no probe's start-up overlaps the run. */
async function ready(): Promise<void> {
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
}

const [mode, url, ...rest] = process.argv.slice(2);
await ready();
const result =
  mode === 'load'
    ? await load(url, Number(rest[0]), Number(rest[1]), Number(rest[2]), rest[3])
    : await health(url, Number(rest[0]));
process.stdout.write(JSON.stringify(result));
