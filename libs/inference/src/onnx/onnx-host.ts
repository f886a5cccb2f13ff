/**
 * The process side of an ONNX session: the entry of each pool worker (worker_threads) and of the
 * throwaway inspection child (child_process.fork). It holds exactly one session; the main thread
 * never imports onnxruntime-node, so no forward pass and no native load runs on the HTTP thread.
 *
 * Messages in: { op: 'open', id, path, threads } -> { metadata }; { op: 'probe', id, inputs, outputs,
 * rowShape, largestBatch } -> SessionProbe; { op: 'run', id, feeds } -> { outputs }. Each reply is
 * { id, ok, value } or { id, ok: false, message } (the runtime's first line, no stack). { op: 'exit' }
 * ends the host once no call is running; calls that arrive after it are never answered (the caller sees
 * the host exit). A worker must never be terminated from outside while session.run is in native code:
 * the binding then throws a C++ exception nobody catches and the whole process aborts.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { messageOf } from '../errors.js';
import { probeSession } from './onnx-probe.js';
import type { RawSessionMetadata, RawValueSpec, TensorSpec, WireTensor } from './onnx-types.js';

type Request =
  | { op: 'open'; id: number; path: string; threads: number }
  | { op: 'probe'; id: number; inputs: TensorSpec[]; outputs: TensorSpec[]; rowShape: number[]; largestBatch: number }
  | { op: 'run'; id: number; feeds: WireTensor[] }
  | { op: 'exit'; id: number };

let session: ort.InferenceSession | undefined;

function describe(metadata: readonly ort.InferenceSession.ValueMetadata[]): RawValueSpec[] {
  return metadata.map((value) =>
    value.isTensor
      ? { name: value.name, isTensor: true, type: String(value.type), shape: [...value.shape] }
      : { name: value.name, isTensor: false, type: '', shape: [] },
  );
}

async function open(path: string, threads: number): Promise<RawSessionMetadata> {
  // From bytes, so no runtime message ever names a path on this machine.
  const bytes = await readFile(path);
  if (bytes.length === 0) throw new Error('the file is empty');
  session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Errors only: the runtime's warnings (unused initializers, ...) are not the operator's business.
    logSeverityLevel: 3,
    // Idle intra-op threads sleep instead of spinning: several sessions share few cores with HTTP.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  return { inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) };
}

async function run(feeds: WireTensor[]): Promise<WireTensor[]> {
  if (!session) throw new Error('no session is open');
  const inputs: Record<string, ort.Tensor> = {};
  for (const feed of feeds) inputs[feed.name] = new ort.Tensor(feed.type, feed.data, feed.dims);
  const results = await session.run(inputs);
  const outputs: WireTensor[] = [];
  for (const name of session.outputNames) {
    const tensor = results[name];
    outputs.push({ name, type: tensor.type as WireTensor['type'], dims: [...tensor.dims], data: tensor.data });
  }
  return outputs;
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'open':
      return open(request.path, request.threads);
    case 'probe':
      return probeSession(request.inputs, request.outputs, request.rowShape, request.largestBatch, run);
    case 'run':
      return run(request.feeds);
    case 'exit':
      return undefined;
  }
}

function serve(
  send: (message: unknown) => void,
  onMessage: (listener: (request: Request) => void) => void,
  exit: () => void,
): void {
  let running = 0;
  let exiting = false;
  onMessage((request) => {
    if (exiting) return;
    if (request.op === 'exit') {
      exiting = true;
      if (running === 0) exit();
      return;
    }
    running += 1;
    handle(request)
      .then(
        (value) => send({ id: request.id, ok: true, value }),
        (error: unknown) => send({ id: request.id, ok: false, message: messageOf(error).split('\n')[0] }),
      )
      .finally(() => {
        running -= 1;
        if (exiting && running === 0) exit();
      });
  });
}

if (parentPort) {
  const port = parentPort;
  serve(
    (message) => port.postMessage(message),
    (listener) => port.on('message', listener),
    () => process.exit(0),
  );
} else if (process.send) {
  serve(
    (message) => process.send?.(message),
    (listener) => process.on('message', listener as (message: unknown) => void),
    () => process.exit(0),
  );
  process.on('disconnect', () => process.exit(0));
}
