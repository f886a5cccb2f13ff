/**
 * HTTP predict throughput and latency for the shipped sensor-anomaly classifier, boot-to-ready
 * time, and RSS over a sustained run. Also dynamic batching on against off.
 *
 *   npm run build && npx tsx bench/inference-http.ts
 *   BENCH_SECONDS=5 RSS_SECONDS=30 npx tsx bench/inference-http.ts
 */
import { load, startBenchApp } from './lib/bench-app.js';

const row = (index: number) => [15 + (index % 15), 35 + (index % 20), 1000 + (index % 25)];
const body = (rows: number) => JSON.stringify({ inputs: Array.from({ length: rows }, (_, index) => row(index)) });

async function main(): Promise<void> {
  const app = await startBenchApp();
  console.log(`boot to ready (spawn → /health/ready 200, shipped models loaded): ${Math.round(app.bootMs)} ms`);
  const predict = (rows: number, connections = 32) => ({
    url: `${app.baseUrl}/api/v1/inference/sensor-anomaly/predict`,
    method: 'POST' as const,
    connections,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` },
    body: body(rows),
  });
  await load('warm-up', { ...predict(1), duration: 2 });
  const one = await load('predict, 1 row, 32 connections', predict(1));
  const many = await load('predict, 64 rows, 32 connections', predict(64));
  console.log(`rows/s: 1-row ${one.requestsPerSecond}, 64-row ${many.requestsPerSecond * 64}`);

  const rssSeconds = Number(process.env.RSS_SECONDS ?? 60);
  // RSS alone cannot tell a leak from V8 postponing major collections; the heap in use can.
  const heapUsedMb = async () => Math.round(Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(await (await fetch(`${app.baseUrl}/metrics`)).text())?.[1] ?? 0) / 1048576);
  const samples: string[] = [];
  const sample = async () => samples.push(`${Math.round(app.rssMb())}/${await heapUsedMb()}`);
  await sample();
  const sampler = setInterval(() => void sample(), 5000);
  await load(`sustained 1-row run (${rssSeconds} s)`, { ...predict(1), duration: rssSeconds });
  clearInterval(sampler);
  await sample();
  console.log(`RSS / heap used (MB) every 5 s: ${samples.join(' ')}`);
  await app.stop();

  for (const [label, maxBatch] of [['off', '1'], ['on', '256']] as const) {
    const batched = await startBenchApp({ INFERENCE_MAX_BATCH: maxBatch, INFERENCE_MAX_DELAY_US: '500' });
    const target = {
      url: `${batched.baseUrl}/api/v1/inference/sensor-anomaly/predict`,
      method: 'POST' as const,
      connections: 64,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${batched.token}` },
      body: body(1),
    };
    await load('warm-up', { ...target, duration: 2 });
    await load(`dynamic batching ${label}: 1 row, 64 connections`, target);
    await batched.stop();
  }
}

await main();
