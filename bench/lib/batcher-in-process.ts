/**
 * The batcher without HTTP: 64 closed-loop callers of ModelServer.predict (1 row each) for `seconds`,
 * batching off and on, alternating, on the same ONNX file. It separates what batching saves in
 * compute from what the HTTP thread can feed it on a busy machine. Loads the built library
 * (dist/: the ONNX worker's entry is compiled JavaScript), so run `npm run build` first.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as InferenceLibrary from '../../libs/inference/src/index.js';

type Library = typeof InferenceLibrary;

async function run(lib: Library, file: string, width: number, maxBatch: number, seconds: number) {
  const server = new lib.ModelServer({ maxBatch, maxDelayUs: 2000 });
  await server.load('dense', file, { inputShape: [width] });
  const input = new Float32Array(width).fill(0.3);
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < until) {
        await server.predict('dense', input, 1, { sheddable: true });
        done += 1;
      }
    }),
  );
  const stats = server.batchStats('dense');
  server.close();
  return { requestsPerSecond: done / seconds, averageBatch: stats.requests / stats.executions };
}

export async function batcherInProcess(model: Buffer, width: number, maxBatch: number, rounds: number) {
  const lib = (await import(pathToFileURL(resolve('dist/libs/inference/src/index.js')).href)) as Library;
  const file = join(tmpdir(), `bench-dense-${process.pid}.onnx`);
  writeFileSync(file, model);
  const off: number[] = [];
  const on: number[] = [];
  let averageBatch = 0;
  for (let index = 0; index < rounds; index += 1) {
    off.push((await run(lib, file, width, 1, 5)).requestsPerSecond);
    const batched = await run(lib, file, width, maxBatch, 5);
    on.push(batched.requestsPerSecond);
    averageBatch = batched.averageBatch;
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`in process (no HTTP), 64 callers, 1 row, ${rounds}×5 s alternating`);
  console.log(
    `  off ${Math.round(median(off))} req/s, on ${Math.round(median(on))} req/s (average batch ` +
      `${averageBatch.toFixed(2)}) = ${(median(on) / median(off)).toFixed(2)}×`,
  );
}
