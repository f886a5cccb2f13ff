/**
 * The ceiling: a bare Fastify 5 server answering the same JSON the product answers on its hot
 * paths, with none of the product's work around it (no Nest, hooks, auth, validation, database,
 * prediction log). Started as a child process by the benches (bench/lib/ceiling.ts), which capture
 * the product's own responses into CEILING_FIXTURE first, so the JSON is the product's by
 * construction (the bench also compares one answer of each route before measuring).
 *
 *   GET  /api/v1/products/:id          the captured product (404 for ids not captured)
 *   GET  /api/v1/products              the captured page (the query is ignored)
 *   POST /api/v1/inference/:name/predict  parses and checks the same body and packs its rows into the
 *                                      float32 array the model would take, then answers the product's
 *                                      own bytes for that row count (captured from the product first),
 *                                      with no model: the framework's ceiling, not the model runtime's
 *   POST /__bench/raw-predict          { rows, seconds } -> raw predict rows/s in a tight loop, no HTTP
 *                                      (the model itself: TF.js, or the dense fast path the product runs)
 *
 *   CEILING_FIXTURE=/tmp/f.json PORT=4000 node --import tsx bench/ceiling-server.ts
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { loadModel, selectBackend, type BackendPreference } from '../libs/inference/src/index.js';

export interface CeilingFixture {
  products: Array<{ id: number | string }>;
  list: unknown;
  predict?: {
    modelDir: string;
    name: string;
    version: string;
    backend: BackendPreference;
    /** The product's predict answer (body text) for each row count the bench sends, captured from it. */
    replies: Record<string, string>;
  };
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
  // Raw predict only (the predict route below runs no model): TF.js itself, or with the library's
  // verified dense fast path ({ executor: 'fast' }), which the product runs where the model allows.
  const model = await loadModel(spec.modelDir, { fastPath: 'off' });
  const fastModel = await loadModel(spec.modelDir, { fastPath: 'auto' });

  app.post<{ Body: { inputs: unknown } }>('/api/v1/inference/:name/predict', async (request, reply) => {
    // The product's parse and check (an array of rows, or one row, of numbers of one width) and the
    // packing into the model's float32 input; then its captured answer instead of a model call.
    const { inputs } = request.body;
    if (!Array.isArray(inputs) || inputs.length === 0) return reply.code(400).send({ error: 'inputs' });
    const rows = (Array.isArray(inputs[0]) ? inputs : [inputs]) as unknown[][];
    const width = rows[0].length;
    const values = new Float32Array(rows.length * width);
    for (let row = 0; row < rows.length; row += 1) {
      const items = rows[row];
      if (!Array.isArray(items) || items.length !== width) return reply.code(400).send({ error: 'width' });
      for (let column = 0; column < width; column += 1) {
        const value = items[column];
        if (typeof value !== 'number' || !Number.isFinite(Math.fround(value)))
          return reply.code(400).send({ error: 'value' });
        values[row * width + column] = value;
      }
    }
    const answer = spec.replies[String(rows.length)];
    if (answer === undefined) return reply.code(400).send({ error: `no captured answer for ${rows.length} rows` });
    return reply.type('application/json; charset=utf-8').send(answer);
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
