import { availableParallelism } from 'node:os';
import { ModelLoadError, TensorValueError, messageOf } from '../errors.js';
import type { ModelInfo, NamedTensorRunner } from '../loaded-model.js';
import { largestWarmupBatch } from '../memory-footprint.js';
import { within } from '../within.js';
import { HostChannel } from './host-channel.js';
import { OnnxWorkerPool, type WorkerLoss } from './onnx-pool.js';
import { onnxChecksum } from './onnx-artifact.js';
import {
  ONNX_TYPE_NAMES,
  readOnnxSignature,
  unsupportedElementType,
  type OnnxSignature,
  type OnnxSignatureOptions,
} from './onnx-signature.js';
import type { RawSessionMetadata, SessionProbe, WireTensor } from './onnx-types.js';
import { checkFeeds, rowsFromOutputs, type NamedInput } from './onnx-feeds.js';

export interface OnnxPoolOptions {
  /** Worker threads per loaded ONNX version, one session each (INFERENCE_WORKERS). */
  workers?: number;
  /** ONNX Runtime intra-op threads per session (INFERENCE_THREADS_PER_SESSION). */
  threadsPerSession?: number;
  /** Told when a worker of the version labelled `label` exits while serving, and whether its replacement serves. */
  onWorkerLost?: (label: string, loss: WorkerLoss) => void;
}

export interface OnnxLoadOptions extends OnnxSignatureOptions, OnnxPoolOptions {
  loadTimeoutMs?: number;
  warmupTimeoutMs?: number;
  /** Names the version in worker-loss reports (the server passes its key). */
  label?: string;
  /** The batcher's largest batch: the warm-up runs it too (see LoadModelOptions.warmupBatch). */
  warmupBatch?: number;
}

/**
 * Defaults sized for the machine: half the cores go to model execution (the rest to HTTP, the
 * database driver and GC), split into at most two workers per version; at least one of each.
 */
export function poolSize(options: OnnxPoolOptions): { workers: number; threads: number } {
  const budget = Math.max(1, Math.floor(availableParallelism() / 2));
  const workers = Math.max(1, Math.floor(options.workers ?? Math.min(2, budget)));
  const threads = Math.max(1, Math.floor(options.threadsPerSession ?? budget / workers));
  return { workers, threads };
}

/** The file's checksum under the load bound: a hung artifact store must fail the load, not hold it. */
const checksumWithin = (path: string, options: OnnxLoadOptions) =>
  within(options.loadTimeoutMs, 'LOAD_TIMEOUT', () => onnxChecksum(path));

/** Opens, checks and probes a session on `host`; the probe is the warm-up. Throws ModelLoadError. */
async function openChecked(host: HostChannel, path: string, threads: number, options: OnnxLoadOptions) {
  const metadata = await within(options.loadTimeoutMs, 'LOAD_TIMEOUT', () =>
    host.call<RawSessionMetadata>('open', { path, threads }).catch((error: unknown) => {
      const message = messageOf(error);
      // The runtime refuses element types it has no JavaScript array for (bfloat16: 16, float8: 17-20) at load.
      const type = /Unsupported data type: (\d+)/.exec(message)?.[1];
      if (type) throw unsupportedElementType(`element type ${ONNX_TYPE_NAMES[type] ?? `#${type}`}`);
      throw new ModelLoadError('INVALID_MODEL', `ONNX Runtime cannot load the model: ${message}`);
    }),
  );
  const signature = readOnnxSignature(metadata, options);
  const largestBatch = largestWarmupBatch(
    signature.rowShape.reduce((a, b) => a * b, 1),
    options,
  );
  const probe = await within(options.warmupTimeoutMs, 'WARMUP_TIMEOUT', () =>
    host.call<SessionProbe>('probe', { ...signature, largestBatch }),
  );
  return { signature, probe };
}

/** `sessions`: how many workers hold the model, each with its own session (memory-footprint.ts). */
function describe(
  signature: OnnxSignature,
  probe: SessionProbe,
  sizeBytes: number,
  started: number,
  sessions: number,
): ModelInfo {
  const first = signature.inputs[0];
  return {
    format: 'onnx',
    inputShape: signature.rowShape,
    inputDtype: first.type,
    rowSize: signature.rowShape.reduce((a, b) => a * b, 1),
    outputSize: probe.outputSize,
    inputName: first.name,
    outputNames: signature.outputs.map((o) => o.name),
    backend: 'onnxruntime',
    sizeBytes,
    loadMs: performance.now() - started,
    warmupMs: probe.warmupMs,
    residentBytes: sessions * (sizeBytes + probe.workingSetBytes),
    executor: 'onnx-worker',
    executorReason: probe.batching ? 'batches' : `runs row by row: ${probe.batchingReason}`,
    tensors: { inputs: signature.inputs, outputs: signature.outputs, batching: probe.batching },
  };
}

/**
 * Checks an untrusted .onnx file in a throwaway child process (crafted files have crashed ONNX
 * Runtime while loading: microsoft/onnxruntime#4349, #24473), so a crash is a ModelLoadError, not
 * an outage. Reads the metadata, checks the declared shape, probes batching, and ends the child.
 */
export async function inspectOnnx(path: string, options: OnnxLoadOptions = {}): Promise<ModelInfo> {
  const started = performance.now();
  const { sizeBytes } = await checksumWithin(path, options);
  const host = HostChannel.child();
  try {
    const { signature, probe } = await openChecked(host, path, 1, options);
    return describe(signature, probe, sizeBytes, started, 1);
  } finally {
    host.close();
  }
}

/** Loads an ONNX version into its own worker threads. Throws ModelLoadError; the workers end on failure. */
export async function loadOnnx(path: string, options: OnnxLoadOptions = {}): Promise<OnnxModel> {
  const started = performance.now();
  const { workers, threads } = poolSize(options);
  const { sizeBytes } = await checksumWithin(path, options);
  let first: Awaited<ReturnType<typeof openChecked>> | undefined;
  // A replacement worker opens the same file under the same bounds, warm-up included.
  const pool = await OnnxWorkerPool.start(
    workers,
    async (host) => {
      const opened = await openChecked(host, path, threads, options);
      first ??= opened;
    },
    (loss) => options.onWorkerLost?.(options.label ?? path, loss),
  );
  const { signature, probe } = first!;
  return new OnnxModel(pool, signature, describe(signature, probe, sizeBytes, started, workers));
}

/**
 * One loaded ONNX version: a session in each of its pool's workers, calls to the least busy one, a
 * lost worker replaced (onnx-pool.ts). `dispose()` ends the workers, so their native memory goes
 * with them (the Node binding leaks on session release: microsoft/onnxruntime#25325).
 */
export class OnnxModel implements NamedTensorRunner {
  private disposed = false;

  constructor(
    private readonly pool: OnnxWorkerPool,
    private readonly signature: OnnxSignature,
    private readonly modelInfo: ModelInfo,
  ) {}

  get info(): ModelInfo {
    return structuredClone(this.modelInfo);
  }

  /** V2's named tensors go through this model's own runner (see NamedTensorRunner). */
  get named(): NamedTensorRunner {
    return this;
  }

  get batching(): boolean {
    return this.modelInfo.tensors?.batching === true;
  }

  /** One execution per worker at a time: more would only queue inside the worker, out of the batcher's sight. */
  get concurrency(): number {
    return this.pool.size;
  }

  /** The /predict row format: rows × rowSize values of the single input in, rows × outputSize out. */
  async predict(input: Float32Array, rows: number): Promise<Float32Array> {
    const { inputs, rowShape } = this.signature;
    if (inputs.length !== 1 || this.modelInfo.outputSize < 0) {
      throw new TensorValueError(
        'NOT_ROW_SERVABLE',
        `the model takes ${inputs.map((i) => `'${i.name}'`).join(', ')}: call it through V2 with named tensors`,
      );
    }
    const perRun = this.batching ? rows : 1;
    const outputs: WireTensor[][] = [];
    for (let start = 0; start < rows; start += perRun) {
      const slice = input.subarray(start * this.modelInfo.rowSize, (start + perRun) * this.modelInfo.rowSize);
      const feeds = checkFeeds(inputs, [{ name: inputs[0].name, shape: [perRun, ...rowShape], data: slice }]);
      outputs.push(await this.run(feeds));
    }
    return rowsFromOutputs(outputs, rows, this.modelInfo.outputSize);
  }

  /** V2's inputs checked against the model (TensorValueError): the feeds of one run. */
  prepare(inputs: NamedInput[]): WireTensor[] {
    return checkFeeds(this.signature.inputs, inputs);
  }

  /** One run in a worker (a lost worker's call is run once more on another). */
  run(feeds: WireTensor[]): Promise<WireTensor[]> {
    if (this.disposed) return Promise.reject(new Error('the model has been disposed'));
    return this.pool.call<WireTensor[]>('run', { feeds });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool.close();
  }
}
