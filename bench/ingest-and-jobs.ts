/**
 * Ingestion of 10 000 readings per request (plain and scored), and GET /health latency while a
 * 100 000-row job runs (jobs must not starve HTTP). Prints the figures.
 *
 *   npm run build && npx tsx bench/ingest-and-jobs.ts
 */
import { load, startBenchApp } from './lib/bench-app.js';

const readings = (count: number) =>
  JSON.stringify(
    Array.from({ length: count }, (_, index) => ({
      timestamp: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
      sensorId: `sensor-${index % 20}`,
      temperature: 15 + (index % 20),
      humidity: 35 + (index % 30),
      pressure: 1000 + (index % 25),
    })),
  );

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const app = await startBenchApp();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${app.token}` };
  const body = readings(10_000);
  for (const query of ['', '?model=sensor-anomaly']) {
    const times: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      const response = await fetch(`${app.baseUrl}/api/v1/ingest/sensor-readings${query}`, {
        method: 'POST',
        headers,
        body,
      });
      const result = (await response.json()) as { accepted: number };
      times.push(performance.now() - started);
      if (result.accepted !== 10_000) throw new Error(`accepted ${result.accepted}`);
    }
    console.log(
      `POST 10 000 readings${query || ' (no scoring)'}: median ` +
        `${Math.round(median(times))} ms (runs: ${times.map(Math.round).join(', ')})`,
    );
  }

  const rows = JSON.stringify({
    inputs: Array.from({ length: 100_000 }, (_, index) => [10 + (index % 40), 20 + (index % 70), 990 + (index % 50)]),
  });
  const submitted = performance.now();
  const accepted = (await (
    await fetch(`${app.baseUrl}/api/v1/inference/sensor-anomaly/jobs`, { method: 'POST', headers, body: rows })
  ).json()) as { jobId: string };
  console.log(`POST /jobs with 100 000 rows answered 202 in ${Math.round(performance.now() - submitted)} ms`);
  let finished = 0;
  const watcher = (async () => {
    for (;;) {
      const status = (await (
        await fetch(`${app.baseUrl}/api/v1/inference/jobs/${accepted.jobId}`, { headers })
      ).json()) as { status: string };
      if (status.status === 'succeeded' || status.status === 'failed') {
        finished = performance.now();
        return status.status;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  await load('GET /health while the 100 000-row job runs', {
    url: `${app.baseUrl}/health`,
    connections: 10,
    duration: Number(process.env.BENCH_SECONDS ?? 10),
  });
  const outcome = await watcher;
  console.log(`job ${outcome} after ${Math.round(finished - submitted)} ms`);
  await app.stop();
}

await main();
