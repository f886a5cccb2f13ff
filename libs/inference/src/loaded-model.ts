import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, asLoadError, messageOf } from './errors.js';
import { withExecutionSpan } from './execution-span.js';
import type { DenseForward } from './dense-fast-path.js';
import type { InputDtype, ModelSignature } from './model-signature.js';
import type { NamedInput } from './onnx/onnx-feeds.js';
import type { TensorSpec, WireTensor } from './onnx/onnx-types.js';

/** What a loaded model reports: its signature, and where and how fast it loaded. */
export interface ModelInfo extends Omit<ModelSignature, 'batchOfOne' | 'format' | 'inputDtype'> {
  format: ModelSignature['format'] | 'onnx';
  /** The (first) input's element type: TF.js float32/int32/bool, or any ONNX type JavaScript carries. */
  inputDtype: string;
  /** Backend the weights live on. */
  backend: string;
  /** Bytes of model.json plus weight files. */
  sizeBytes: number;
  loadMs: number;
  warmupMs: number;
  /**
   * Bytes the version holds while resident, measured at load (memory-footprint.ts): what the
   * memory budget (INFERENCE_MEMORY_BUDGET_MB) counts.
   */
  residentBytes: number;
  /**
   * What runs predict: TF.js, the verified plain-JS forward pass of a small dense model (dense-verify.ts),
   * or ONNX Runtime in worker threads. Library-internal: never in an HTTP body.
   */
  executor: 'tfjs' | 'dense-js' | 'onnx-worker';
  /** Why that executor: the fast path's rounding and largest observed error, or why the model stays on TF.js. */
  executorReason: string;
  /** ONNX only: every input and output as the model states it, and whether it batches. */
  tensors?: { inputs: TensorSpec[]; outputs: TensorSpec[]; batching: boolean };
}

/** What the registry serves, whichever engine runs it. */
export interface ServingModel {
  readonly info: ModelInfo;
  /** Executions that can run at once (an ONNX version's workers); 1 when unset. */
  readonly concurrency?: number;
  predict(input: Float32Array, rows: number): Promise<Float32Array>;
  /** Named tensors in and out (V2); only engines that take several inputs (ONNX) have it. */
  readonly named?: NamedTensorRunner;
  dispose(): void;
}

/** Named tensors (V2): checked into feeds, then run alone or, when the model batches, with other calls' feeds. */
export interface NamedTensorRunner {
  /** Whether runs may concatenate several calls along dimension 0 (the model batches). */
  readonly batching: boolean;
  /** The feeds of one call; throws TensorValueError for inputs the model does not take. */
  prepare(inputs: NamedInput[]): WireTensor[];
  run(feeds: WireTensor[]): Promise<WireTensor[]>;
}

type AnyModel = tf.LayersModel | tf.GraphModel;

/**
 * The execution half of a model loaded by `loadModel`: `predict(values, rows)` takes rows × rowSize
 * values (row-major) and resolves to rows × outputSize values. Every tensor it makes is disposed,
 * for good and failing calls alike. It does not check the values: rows reach it already validated
 * (the API's input-rows), and a length that does not fit the shape is refused by TF.js itself.
 */
export class LoadedModel implements ServingModel {
  private disposed = false;
  private asyncGraph = false;
  /** The verified fast path, once adopted; TF.js runs when unset. */
  private fastForward: DenseForward | undefined;

  constructor(
    private readonly model: AnyModel,
    private readonly modelInfo: ModelInfo,
    private readonly batchOfOne: boolean,
    /** Names the model in its execution spans (the server passes its key). */
    private readonly label: string | undefined,
  ) {}

  /** A copy of the model's description. */
  get info(): ModelInfo {
    return {
      ...this.modelInfo,
      inputShape: [...this.modelInfo.inputShape],
      outputNames: [...this.modelInfo.outputNames],
    };
  }

  /**
   * Runs all-zero batches of 1 row and of `largestBatch` rows (the batcher's largest, when the
   * model batches): kernels compile for both before the first request, the weights are proven by
   * execution, and outputSize is fixed. Any failure is a ModelLoadError (WARMUP_FAILED).
   */
  async warmUp(largestBatch = 1): Promise<void> {
    const started = performance.now();
    const output = await asLoadError('WARMUP_FAILED', 'the model failed its warm-up run', () => this.warmRun(1));
    if (this.modelInfo.outputSize >= 0 && output.length !== this.modelInfo.outputSize) {
      throw new ModelLoadError(
        'WARMUP_FAILED',
        `the model produced ${output.length} values per row, but its outputs declare ${this.modelInfo.outputSize}`,
      );
    }
    if (output.length === 0) throw new ModelLoadError('WARMUP_FAILED', 'the model produced no output values');
    this.modelInfo.outputSize = output.length;
    // A batch-of-one model runs larger batches row by row: nothing more to compile.
    if (largestBatch > 1 && !this.batchOfOne)
      await asLoadError('WARMUP_FAILED', `the model failed its warm-up run at ${largestBatch} rows`, () =>
        this.predict(new Float32Array(this.modelInfo.rowSize * largestBatch), largestBatch),
      );
    this.modelInfo.warmupMs = performance.now() - started;
  }

  private async warmRun(rows: number): Promise<Float32Array> {
    const zeros = new Float32Array(this.modelInfo.rowSize * rows);
    try {
      return await this.predict(zeros, rows);
    } catch (error) {
      // Graph models with control flow (dynamic ops) must run through executeAsync.
      if (this.modelInfo.format === 'graph' && /executeAsync|dynamic op/i.test(messageOf(error))) {
        this.asyncGraph = true;
        return this.predict(zeros, rows);
      }
      throw error;
    }
  }

  /** Adds the bytes measured at load (memory-footprint.ts) to the model's info. */
  setResidentBytes(bytes: number): void {
    this.modelInfo.residentBytes = bytes;
  }

  /** One forward pass over `rows` rows given as rows × rowSize values; resolves to rows × outputSize values. */
  async predict(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.disposed) throw new Error('the model has been disposed');
    const fast = this.fastForward;
    const run = fast ? async () => fast(input, rows) : () => this.run(input, rows);
    return withExecutionSpan(
      { model: this.label, format: this.modelInfo.format, backend: this.modelInfo.backend, rows },
      run,
    );
  }

  /** One forward pass on TF.js whatever serves predict: the reference the fast path is verified against. */
  async predictOnTfjs(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.disposed) throw new Error('the model has been disposed');
    return this.run(input, rows);
  }

  /**
   * Serves predict with `forward` from now on (already verified
   * against predictOnTfjs), or records why TF.js keeps serving.
   */
  setExecutor(forward: DenseForward | undefined, reason: string): void {
    this.fastForward = forward;
    this.modelInfo.executor = forward ? 'dense-js' : 'tfjs';
    this.modelInfo.executorReason = reason;
  }

  /** Frees the weights. Further predict calls throw. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fastForward = undefined;
    this.model.dispose();
  }

  private async run(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.batchOfOne && rows > 1) {
      const { rowSize } = this.modelInfo;
      const parts: Float32Array[] = [];
      for (let r = 0; r < rows; r++) parts.push(await this.run(input.subarray(r * rowSize, (r + 1) * rowSize), 1));
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
      }
      return out;
    }
    const shape = [rows, ...this.modelInfo.inputShape];
    if (this.asyncGraph) return this.executeAsyncGraph(input, shape, rows);
    const output = tf.tidy(() => this.flatten(this.forward(this.toTensor(input, shape)), rows));
    return this.read(output);
  }

  private async executeAsyncGraph(input: Float32Array, shape: number[], rows: number): Promise<Float32Array> {
    const x = this.toTensor(input, shape);
    let ys: tf.Tensor | tf.Tensor[];
    try {
      ys = await (this.model as tf.GraphModel).executeAsync(x);
    } finally {
      x.dispose();
    }
    try {
      return await this.read(tf.tidy(() => this.flatten(ys, rows)));
    } finally {
      tf.dispose(ys);
    }
  }

  private toTensor(input: Float32Array, shape: number[]): tf.Tensor {
    const dtype = this.modelInfo.inputDtype as InputDtype;
    if (dtype === 'float32') return tf.tensor(input, shape, 'float32');
    return tf.tensor(
      dtype === 'int32' ? Int32Array.from(input) : Uint8Array.from(input, (v) => (v ? 1 : 0)),
      shape,
      dtype,
    );
  }

  private forward(x: tf.Tensor): tf.Tensor | tf.Tensor[] {
    if (this.modelInfo.format === 'layers') return (this.model as tf.LayersModel).predict(x);
    return (this.model as tf.GraphModel).execute(x);
  }

  /** [rows, outputSize] float32: every output reshaped to [rows, -1] and concatenated. */
  private flatten(ys: tf.Tensor | tf.Tensor[], rows: number): tf.Tensor2D {
    const list = Array.isArray(ys) ? ys : [ys];
    const flat = list.map((y) => {
      if (y.shape[0] !== rows)
        throw new Error(`output has shape ${JSON.stringify(y.shape)}, expected ${rows} rows first`);
      return y.reshape([rows, -1]).toFloat() as tf.Tensor2D;
    });
    return flat.length === 1 ? flat[0] : tf.concat2d(flat, 1);
  }

  private async read(output: tf.Tensor): Promise<Float32Array> {
    try {
      const values = await output.data();
      return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    } finally {
      output.dispose();
    }
  }
}
