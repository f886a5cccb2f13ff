/**
 * The ceiling: a bare Fastify 5 server answering the same JSON the product answers on its hot
 * paths, with none of the product's work around it (no Nest, hooks, auth, validation, database,
 * prediction log). Started as a child process by the benches (bench/lib/ceiling.ts), which capture
 * the product's own responses into CEILING_FIXTURE first, so the JSON is the product's by
 * construction (the bench also compares one answer of each route before measuring).
 *
 *   GET  /api/v1/products/:id          the captured product (404 for ids not captured)
 *   GET  /api/v1/products              the captured page (the query is ignored)
 *   POST /api/v1/inference/:name/predict  HTTP + the real model call (@app/inference's raw
 *                                      LoadedModel.predict, same model file and backend), mapped to
 *                                      { model, version, predictions, latencyMs } as the product does
 *   POST /__bench/raw-predict          { rows, seconds } -> raw predict rows/s in a tight loop, no HTTP
 *
 *   CEILING_FIXTURE=/tmp/f.json PORT=4000 node --import tsx bench/ceiling-server.ts
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { loadModel, selectBackend, type BackendPreference } from '../libs/inference/src/index.js';

export interface CeilingFixture {
  products: Array<{ id: number | string }>;
  list: unknown;
  predict?: { modelDir: string; name: string; version: string; labels: string[] | null; backend: BackendPreference };
}

const fixture = JSON.parse(readFileSync(process.env.CEILING_FIXTURE!, 'utf8')) as CeilingFixture;
const products = new Map(fixture.products.map((product) => [String(product.id), product]));
const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });

app.get('/__ready', async () => ({ ready: true }));
app.get<{ Params: { id: string } }>(
  '/api/v1/products/:id',
  async (request, reply) => products.get(request.params.id) ?? reply.code(404).send({ error: 'not found' }),
);
app.get('/api/v1/products', async () => fixture.list);

if (fixture.predict) {
  const spec = fixture.predict;
  await selectBackend(spec.backend);
  // The reference is TF.js itself (the figures), so the library's verified dense fast path
  // is off here; raw-predict can also run the fast path ({ executor: 'fast' }) to show what it does.
  const model = await loadModel(spec.modelDir, { fastPath: 'off' });
  const fastModel = await loadModel(spec.modelDir, { fastPath: 'auto' });

  /** The product's mapping of output rows to predictions (libs/serving/src/inference/predictions.ts). */
  const classify = (scores: Float32Array) => {
    let best = 0;
    const probabilities: Record<string, number> = {};
    for (let index = 0; index < scores.length; index += 1) {
      if (scores[index] > scores[best]) best = index;
      probabilities[spec.labels?.[index] ?? String(index)] = scores[index];
    }
    return { label: spec.labels?.[best] ?? String(best), confidence: scores[best], probabilities };
  };
  const regress = (values: Float32Array) =>
    values.length === 1 ? { value: values[0] } : { values: Array.from(values) };

  app.post<{ Body: { inputs: number[] | number[][] } }>('/api/v1/inference/:name/predict', async (request) => {
    const started = performance.now();
    const { inputs } = request.body;
    const rows = Array.isArray(inputs[0]) ? (inputs as number[][]) : [inputs as number[]];
    const width = rows[0].length;
    const values = new Float32Array(rows.length * width);
    for (let row = 0; row < rows.length; row += 1) values.set(rows[row], row * width);
    const output = await model.predict(values, rows.length);
    const outputSize = output.length / rows.length;
    const predictions = new Array(rows.length);
    for (let row = 0; row < rows.length; row += 1) {
      const slice = output.subarray(row * outputSize, (row + 1) * outputSize);
      predictions[row] = spec.labels ? classify(slice) : regress(slice);
    }
    return { model: spec.name, version: spec.version, predictions, latencyMs: performance.now() - started };
  });

  app.post<{ Body: { rows: number; seconds: number; width: number; executor?: 'tfjs' | 'fast' } }>(
    '/__bench/raw-predict',
    async (request) => {
      const { rows, seconds, width } = request.body;
      const runner = request.body.executor === 'fast' ? fastModel : model;
      const input = new Float32Array(rows * width).map((_, index) => [20, 40, 1010][index % 3] + (index % 7));
      for (let index = 0; index < 20; index += 1) await runner.predict(input, rows); // per-shape warm-up
      let calls = 0;
      const started = performance.now();
      while (performance.now() - started < seconds * 1000) {
        await runner.predict(input, rows);
        calls += 1;
      }
      return {
        rows,
        calls,
        executor: runner.info.executor,
        rowsPerSecond: (calls * rows) / ((performance.now() - started) / 1000),
      };
    },
  );
}

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
// A clean exit on SIGTERM, so `--cpu-prof` (CEILING_NODE_ARGS) gets to write its profile.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
