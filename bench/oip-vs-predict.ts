/**
 * V2 (Open Inference Protocol) infer against the product's own predict, same model (the shipped
 * sensor-anomaly classifier), same rows, same process: req/s for 1-row and 64-row calls. The two
 * loads alternate for BENCH_ROUNDS rounds, so the VM's drift hits both alike; the medians and
 * their ratio are printed (target: V2 costs no more than 10 % extra, i.e. ratio >= 0.90).
 *
 *   npm run build && npx tsx bench/oip-vs-predict.ts
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3 npx tsx bench/oip-vs-predict.ts
 */
import { load, startBenchApp } from './lib/bench-app.js';

const row = (index: number) => [15 + (index % 15), 35 + (index % 20), 1000 + (index % 25)];
const rowsOf = (count: number) => Array.from({ length: count }, (_, index) => row(index));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const app = await startBenchApp();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${app.token}` };
  const metadata = (await (await fetch(`${app.baseUrl}/v2/models/sensor-anomaly`, { headers })).json()) as {
    inputs: { name: string }[];
  };
  const inputName = metadata.inputs[0].name;
  const targets = (rows: number) => ({
    predict: {
      url: `${app.baseUrl}/api/v1/inference/sensor-anomaly/predict`,
      body: JSON.stringify({ inputs: rowsOf(rows) }),
    },
    v2: {
      url: `${app.baseUrl}/v2/models/sensor-anomaly/infer`,
      body: JSON.stringify({
        inputs: [{ name: inputName, shape: [rows, 3], datatype: 'FP32', data: rowsOf(rows).flat() }],
      }),
    },
  });
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  await load('warm-up predict', { ...targets(1).predict, method: 'POST', headers, duration: 2 });
  await load('warm-up V2', { ...targets(1).v2, method: 'POST', headers, duration: 2 });
  const lines: string[] = [];
  for (const rows of [1, 64]) {
    const figures = { predict: [] as number[], v2: [] as number[] };
    for (let round = 1; round <= rounds; round += 1) {
      for (const kind of ['predict', 'v2'] as const) {
        const result = await load(`${kind}, ${rows} row(s), 32 connections, round ${round}`, {
          ...targets(rows)[kind],
          method: 'POST',
          headers,
        });
        if (result.errors || result.non2xx)
          throw new Error(`${kind} had ${result.errors} errors and ${result.non2xx} non-2xx answers`);
        figures[kind].push(result.requestsPerSecond);
      }
    }
    const predict = median(figures.predict);
    const v2 = median(figures.v2);
    lines.push(
      `${String(rows).padStart(2)} row(s): predict ${predict} req/s, V2 ${v2} ` +
        `req/s (medians of ${rounds}); V2/predict = ${(v2 / predict).toFixed(3)}`,
    );
  }
  console.log(lines.join('\n'));
  await app.stop();
}

await main();
