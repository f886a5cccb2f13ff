/**
 * Raw predict throughput of the shipped sensor-anomaly classifier, no HTTP: rows/s in a tight loop
 * at batch sizes 1, 64 and 1024, on the default backend (auto) and on cpu.
 *
 *   npx tsx bench/inference-raw.ts            # auto + cpu
 *   npx tsx bench/inference-raw.ts wasm cpu   # chosen backends
 *   BENCH_SECONDS=1 npx tsx bench/inference-raw.ts
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, selectBackend, type BackendPreference } from '../libs/inference/src/index.js';

const MODEL_DIR = resolve(import.meta.dirname, '..', 'models', 'sensor-anomaly', '1.0.0');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const BATCHES = [1, 64, 1024];

function readings(rows: number): Float32Array {
  const values = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    values[r * 3] = 10 + (r % 30);
    values[r * 3 + 1] = 25 + (r % 50);
    values[r * 3 + 2] = 980 + (r % 60);
  }
  return values;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run(preference: BackendPreference): Promise<void> {
  const backend = await selectBackend(preference);
  const model = await loadModel(MODEL_DIR);
  console.log(
    `\nbackend ${backend} (asked: ${preference}); load ` +
      `${model.info.loadMs.toFixed(1)} ms, warm-up ${model.info.warmupMs.toFixed(1)} ms`,
  );
  console.log('batch  calls      rows/s      median ms/call  p99 ms/call');
  for (const batch of BATCHES) {
    const input = readings(batch);
    for (let i = 0; i < 20; i++) await model.predict(input, batch); // per-shape warm-up
    const tensorsBefore = tf.memory().numTensors;
    const times: number[] = [];
    const started = performance.now();
    while (performance.now() - started < SECONDS * 1000) {
      const t0 = performance.now();
      await model.predict(input, batch);
      times.push(performance.now() - t0);
    }
    const elapsed = (performance.now() - started) / 1000;
    const sorted = [...times].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    const rowsPerSecond = (times.length * batch) / elapsed;
    console.log(
      `${String(batch).padStart(5)}  ${String(times.length).padStart(6)}  ${rowsPerSecond.toFixed(0).padStart(12)}  ` +
        `${median(times).toFixed(4).padStart(14)}  ${p99.toFixed(4).padStart(11)}`,
    );
    if (tf.memory().numTensors !== tensorsBefore)
      console.log(`  tensor leak: ${tensorsBefore} -> ${tf.memory().numTensors}`);
  }
  model.dispose();
}

const requested = (process.argv.slice(2) as BackendPreference[]).filter(Boolean);
console.log(`sensor-anomaly raw predict, ${SECONDS} s per batch size, node ${process.version}`);
for (const preference of requested.length ? requested : (['auto', 'cpu'] as BackendPreference[])) await run(preference);
