/**
 * The contrast of bench/onnx-cnn.ts: a bare Fastify 5 server that runs ONNX Runtime on its main
 * thread (what the product would do without its worker pool), so /health waits behind every
 * forward pass. Started as a child process by the bench.
 *
 *   GET  /health                       { status: 'ok' }
 *   POST /predict { inputs: rows }     the PP-OCR classifier over the rows, run on this thread
 *
 *   MODEL=/path/model.onnx ROW_SHAPE=3,48,192 PORT=4000 node dist/bench/lib/main-thread-onnx-server.js
 */
import Fastify from 'fastify';
import * as ort from 'onnxruntime-node';

const rowShape = process.env.ROW_SHAPE!.split(',').map(Number);
const rowSize = rowShape.reduce((a, b) => a * b, 1);
const session = await ort.InferenceSession.create(process.env.MODEL!, {
  intraOpNumThreads: 1,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});
const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
app.get('/health', async () => ({ status: 'ok' }));
app.post<{ Body: { inputs: number[][] } }>('/predict', async (request) => {
  const rows = request.body.inputs.length;
  const data = new Float32Array(rows * rowSize);
  request.body.inputs.forEach((row, r) => data.set(row, r * rowSize));
  const output = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, [rows, ...rowShape]) });
  return { predictions: Array.from(output[session.outputNames[0]].data as Float32Array) };
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`listening ${(app.server.address() as { port: number }).port}`);
