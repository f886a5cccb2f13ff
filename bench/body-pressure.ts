/**
 * Memory under maximum-size payloads: fires BENCH_BODIES concurrent ~15 MB JSON bodies at
 * /inference and BENCH_FRAMES ~15 MB stream frames (over BENCH_SOCKETS sockets), BENCH_ROUNDS
 * times, against the built API started under the compose heap cap (NODE_OPTIONS
 * --max-old-space-size=BENCH_HEAP_MB, 512 as in docker-compose.yml). Prints the peak heap in use
 * (sampled from /metrics), the peak RSS, and how many payloads were admitted or refused (503 /
 * "Server busy"), first with the default payload budget, then with the budget lifted.
 *
 *   npm run build && npx tsx bench/body-pressure.ts
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startBenchApp, type BenchApp } from './lib/bench-app.js';

const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 512);
const BODIES = Number(process.env.BENCH_BODIES ?? 32);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 4);
const FRAMES = Number(process.env.BENCH_FRAMES ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** An image-like tensor (n × 224 × 224 × 3) as nested JSON arrays: the costliest shape to parse. */
function imageInputs(bytes: number): string {
  const pixel = '[0.123,0.456,0.789]';
  const image = `[${Array.from({ length: 224 }, () => `[${Array(224).fill(pixel).join(',')}]`).join(',')}]`;
  const count = Math.floor((bytes - 100) / (image.length + 1));
  return `[${Array(count).fill(image).join(',')}]`;
}

interface Tally {
  admitted: number;
  refused: number;
  failed: number;
}

async function sampleHeap(app: BenchApp, peak: { heap: number }): Promise<void> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? 0);
  peak.heap = Math.max(peak.heap, heap);
}

function sendFrames(url: string, frame: Buffer, count: number, tally: Tally): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    let answered = 0;
    const done = () => {
      socket.close();
      resolve();
    };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      tally.failed += count - answered;
      answered = count;
      resolve();
    });
    socket.on('open', () => {
      for (let index = 0; index < count; index += 1) socket.send(frame, { binary: false });
    });
    socket.on('message', (data) => {
      // binaryType is 'nodebuffer' (ws's default): a message always arrives as one Buffer.
      const reply = JSON.parse((data as Buffer).toString('utf8')) as { error?: string };
      if (reply.error?.startsWith('Server busy')) tally.refused += 1;
      else tally.admitted += 1;
      answered += 1;
      if (answered === count) done();
    });
  });
}

async function run(label: string, env: Record<string, string>): Promise<void> {
  const app = await startBenchApp({
    NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
    RATE_LIMIT_MAX: '100000000',
    ...env,
  });
  const inputs = imageInputs(15 * 1024 * 1024);
  const body = Buffer.from(`{"inputs":${inputs}}`);
  const frame = Buffer.from(`{"model":"sensor-anomaly","inputs":${inputs}}`);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${app.token}` };
  const peak = { heap: 0 };
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void sampleHeap(app, peak)
      .catch(() => undefined)
      .finally(() => (sampling = false));
  }, 100);
  const http: Tally = { admitted: 0, refused: 0, failed: 0 };
  const stream: Tally = { admitted: 0, refused: 0, failed: 0 };
  const streamUrl = `${app.baseUrl.replace('http', 'ws')}/api/v1/inference/stream?token=${app.token}`;
  const started = performance.now();
  for (let round = 0; round < ROUNDS && app.api.child.exitCode === null; round += 1) {
    const posts = Array.from({ length: BODIES }, () =>
      fetch(`${app.baseUrl}/api/v1/inference/sensor-anomaly/predict`, { method: 'POST', headers, body }).then(
        async (response) => {
          await response.arrayBuffer();
          if (response.status === 503) http.refused += 1;
          else if (response.status < 500) http.admitted += 1;
          else http.failed += 1;
        },
        () => (http.failed += 1),
      ),
    );
    const frames = Array.from({ length: SOCKETS }, () =>
      sendFrames(streamUrl, frame, Math.ceil(FRAMES / SOCKETS), stream),
    );
    await Promise.all([...posts, ...frames]);
  }
  clearInterval(sampler);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const alive =
    app.api.child.exitCode === null &&
    (await fetch(`${app.baseUrl}/health`).then(
      (response) => response.status === 200,
      () => false,
    ));
  const peakRssMb = alive
    ? Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${app.api.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
    : NaN;
  console.log(`${label}`);
  console.log(
    `  ${ROUNDS} rounds of ${BODIES} bodies + ${FRAMES} frames of ` +
      `${(body.length / 1048576).toFixed(1)} MB, heap cap ${HEAP_MB} MB, ${seconds} s`,
  );
  console.log(
    `  HTTP: admitted ${http.admitted}, 503 ${http.refused}, failed ${http.failed};  ` +
      `stream: admitted ${stream.admitted}, busy ${stream.refused}, lost ${stream.failed}`,
  );
  const fatal = () =>
    app.api
      .output()
      .split('\n')
      .filter((line) => /heap|memory|FATAL/i.test(line))
      .slice(0, 2)
      .join(' | ');
  console.log(
    `  peak heap used ${(peak.heap / 1048576).toFixed(0)} MB (sampled every 100 ms), ` +
      `peak RSS ${peakRssMb.toFixed(0)} MB, process ${alive ? 'alive' : `DEAD: ${fatal()}`}`,
  );
  await app.stop();
}

async function main(): Promise<void> {
  await run('default payload budget (LARGE_BODY_BUDGET=32mb)', {});
  if (process.env.BENCH_SKIP_UNLIMITED !== '1')
    await run('budget lifted (LARGE_BODY_BUDGET=100000mb)', { LARGE_BODY_BUDGET: '100000mb' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
