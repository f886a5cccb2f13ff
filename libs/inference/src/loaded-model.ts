import * as tf from '@tensorflow/tfjs';
import { readModelArtifacts, type ModelFormat } from './artifacts.js';
import { ensureBackend } from './backend.js';
import { PredictBatcher, type BatchingOptions } from './batcher.js';
import { ModelLoadError, PredictInputError, messageOf } from './errors.js';
import { withExecutionSpan } from './execution-span.js';

export type InputDtype = 'float32' | 'int32' | 'bool';

/** What a loaded model reports, so callers can validate rows before any tensor is made. */
export interface ModelInfo {
  format: ModelFormat;
  /** One row's shape, without the batch dimension, e.g. [3] or [224, 224, 3]. */
  inputShape: number[];
  inputDtype: InputDtype;
  /** Values per input row (product of inputShape). */
  rowSize: number;
  /** Output values per row (all outputs flattened and concatenated). */
  outputSize: number;
  inputName: string;
  outputNames: string[];
  /** Backend the weights live on. */
  backend: string;
  /** Bytes of model.json plus weight files. */
  sizeBytes: number;
  loadMs: number;
  warmupMs: number;
  /** Set when dynamic batching is on. */
  batching?: { maxBatch: number; maxDelayUs: number };
}

export interface LoadModelOptions {
  /** When given, loading fails (INPUT_SHAPE_MISMATCH) unless the model's row shape is exactly this. */
  expectedInputShape?: number[];
  /** Row shape to use for models whose input has unknown (-1) dimensions besides the batch. */
  inputShape?: number[];
  /** Run one dummy batch on load (default true). It also fixes outputSize and checks the weights. */
  warmup?: boolean;
  /** Bound on reading and parsing the artifact (a hung disk or network share): LOAD_TIMEOUT after it. */
  loadTimeoutMs?: number;
  /** Bound on the warm-up run: WARMUP_TIMEOUT after it. */
  warmupTimeoutMs?: number;
  /** Opt-in dynamic batching of concurrent predict calls. */
  batching?: BatchingOptions;
  /** Names the model in its execution spans (the registry passes its key). */
  label?: string;
}

type AnyModel = tf.LayersModel | tf.GraphModel;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Runs `fn` and turns any TF.js error into a ModelLoadError with that message. */
async function asLoadError<T>(code: 'INVALID_MODEL' | 'WARMUP_FAILED', prefix: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw new ModelLoadError(code, `${prefix}: ${messageOf(error).split('\n')[0]}`, { cause: error });
  }
}

/**
 * A TF.js model loaded from disk, layers or graph, with a flat predict API:
 * `predict(values, rows)` takes rows × rowSize values (row-major) and resolves to rows × outputSize
 * values. Every tensor it makes is disposed, for good and failing inputs alike.
 */
export class LoadedModel {
  private disposed = false;
  private asyncGraph = false;
  private batcher: PredictBatcher | undefined;
  private readonly fixedBatch: number | undefined;
  private label: string | undefined;

  private constructor(
    private readonly model: AnyModel,
    private readonly modelInfo: ModelInfo,
    fixedBatch: number | undefined,
  ) {
    this.fixedBatch = fixedBatch;
  }

  /**
   * Loads the artifact at `source` (a folder with model.json, or a model JSON path) through an
   * in-memory IO handler, checks it, warms it up, and returns the handle. Throws ModelLoadError.
   */
  static async load(source: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
    const backend = await ensureBackend();
    const started = performance.now();
    const { files, model } = await within(
      options.loadTimeoutMs,
      'LOAD_TIMEOUT',
      async () => {
        const files = await readModelArtifacts(source);
        const handler: tf.io.IOHandler = { load: async () => files.artifacts };
        const model = await asLoadError<AnyModel>('INVALID_MODEL', `cannot load the ${files.format} model`, () =>
          files.format === 'layers' ? tf.loadLayersModel(handler, { strict: true }) : tf.loadGraphModel(handler),
        );
        return { files, model };
      },
      (late) => late.model.dispose(),
    );
    try {
      const loaded = LoadedModel.describe(model, files.format, backend, files.sizeBytes, options);
      loaded.label = options.label;
      loaded.modelInfo.loadMs = performance.now() - started;
      if (options.warmup !== false) await within(options.warmupTimeoutMs, 'WARMUP_TIMEOUT', () => loaded.warmup());
      if (options.batching) {
        loaded.batcher = new PredictBatcher((input, rows) => loaded.execute(input, rows), loaded.modelInfo.rowSize, loaded.modelInfo.outputSize, options.batching);
        loaded.modelInfo.batching = { maxBatch: options.batching.maxBatch, maxDelayUs: options.batching.maxDelayUs };
      }
      return loaded;
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  /** Alias of load() for a folder holding model.json. */
  static fromDirectory(dir: string, options?: LoadModelOptions): Promise<LoadedModel> {
    return LoadedModel.load(dir, options);
  }

  private static describe(model: AnyModel, format: ModelFormat, backend: string, sizeBytes: number, options: LoadModelOptions): LoadedModel {
    const inputs = model.inputs as { name: string; shape?: (number | null)[]; dtype?: string }[];
    if (inputs.length !== 1) {
      throw new ModelLoadError('UNSUPPORTED_MODEL', `the model has ${inputs.length} inputs; only single-input models are supported`);
    }
    const input = inputs[0];
    const dtype = input.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
      throw new ModelLoadError('UNSUPPORTED_MODEL', `input dtype ${dtype} is not supported (float32, int32 or bool)`);
    }
    const fullShape = input.shape ?? [];
    const declared = fullShape.slice(1).map((d) => (d === null || d < 0 ? -1 : d));
    let inputShape = declared;
    if (fullShape.length === 0 || declared.some((d) => d < 0)) {
      const given = options.inputShape ?? options.expectedInputShape;
      const compatible =
        given && fullShape.length > 0 && given.length === declared.length && declared.every((d, i) => d < 0 || d === given[i]);
      if (!given || !compatible) {
        throw new ModelLoadError(
          'UNSUPPORTED_MODEL',
          `the model input shape ${JSON.stringify(fullShape.map((d) => d ?? -1))} has unknown dimensions; give an inputShape that fits it`,
        );
      }
      inputShape = [...given];
    }
    if (options.expectedInputShape && !sameShape(inputShape, options.expectedInputShape)) {
      throw new ModelLoadError(
        'INPUT_SHAPE_MISMATCH',
        `the model's input shape is ${JSON.stringify(inputShape)}, not ${JSON.stringify(options.expectedInputShape)}`,
      );
    }
    const batchDim = fullShape[0];
    let fixedBatch: number | undefined;
    if (typeof batchDim === 'number' && batchDim > 0) {
      if (batchDim !== 1) throw new ModelLoadError('UNSUPPORTED_MODEL', `the model's batch size is fixed at ${batchDim}`);
      fixedBatch = 1;
    }
    const outputNames = (model.outputs as { name: string }[]).map((o) => o.name);
    const rowSize = inputShape.reduce((a, b) => a * b, 1);
    const staticOut = (model.outputs as { shape?: (number | null)[] }[]).map((o) => o.shape?.slice(1) ?? [-1]);
    const outputSize = staticOut.every((s) => s.every((d) => typeof d === 'number' && d >= 0))
      ? staticOut.reduce((sum, s) => sum + (s as number[]).reduce((a, b) => a * b, 1), 0)
      : -1;
    const info: ModelInfo = {
      format,
      inputShape,
      inputDtype: dtype,
      rowSize,
      outputSize,
      inputName: input.name,
      outputNames,
      backend,
      sizeBytes,
      loadMs: 0,
      warmupMs: 0,
    };
    return new LoadedModel(model, info, fixedBatch);
  }

  /** A copy of the model's description. */
  get info(): ModelInfo {
    const { batching, ...rest } = this.modelInfo;
    return {
      ...rest,
      inputShape: [...rest.inputShape],
      outputNames: [...rest.outputNames],
      ...(batching ? { batching: { ...batching } } : {}),
    };
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Runs one all-zero row, fixes outputSize, and reports any execution problem as a load error. */
  private async warmup(): Promise<void> {
    const started = performance.now();
    const zeros = new Float32Array(this.modelInfo.rowSize);
    const output = await asLoadError('WARMUP_FAILED', 'the model failed its warm-up run', async () => {
      try {
        return await this.execute(zeros, 1);
      } catch (error) {
        // Graph models with control flow (dynamic ops) must run through executeAsync.
        if (this.modelInfo.format === 'graph' && /executeAsync|dynamic op/i.test(messageOf(error))) {
          this.asyncGraph = true;
          return this.execute(zeros, 1);
        }
        throw error;
      }
    });
    if (this.modelInfo.outputSize >= 0 && output.length !== this.modelInfo.outputSize) {
      throw new ModelLoadError(
        'WARMUP_FAILED',
        `the model produced ${output.length} values per row, but its outputs declare ${this.modelInfo.outputSize}`,
      );
    }
    if (output.length === 0) throw new ModelLoadError('WARMUP_FAILED', 'the model produced no output values');
    this.modelInfo.outputSize = output.length;
    this.modelInfo.warmupMs = performance.now() - started;
  }

  /** Checks the flat input: row count, length, and finite values. Throws PredictInputError. */
  validate(input: Float32Array, rows: number): void {
    if (!(input instanceof Float32Array)) throw new PredictInputError('input must be a Float32Array');
    if (!Number.isInteger(rows) || rows < 1) throw new PredictInputError(`row count must be a positive integer, got ${rows}`);
    const { rowSize, inputShape } = this.modelInfo;
    if (input.length !== rows * rowSize) {
      throw new PredictInputError(
        `expected ${rows * rowSize} values (${rows} row(s) of shape ${JSON.stringify(inputShape)}), got ${input.length}`,
      );
    }
    for (let i = 0; i < input.length; i++) {
      const value = input[i];
      if (!Number.isFinite(value)) {
        const row = Math.floor(i / rowSize);
        throw new PredictInputError(`row ${row}: value ${i - row * rowSize} is ${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'}`, row);
      }
    }
  }

  /**
   * Predicts `rows` rows given as rows × rowSize values; resolves to rows × outputSize values.
   * With batching on, concurrent calls are coalesced into one tensor batch.
   */
  async predict(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.disposed) throw new Error('the model has been disposed');
    this.validate(input, rows);
    return this.batcher ? this.batcher.submit(input, rows) : this.execute(input, rows);
  }

  /**
   * One forward pass without input validation (call validate() first); all tensors disposed.
   * Used by batchers that validated each request before coalescing.
   */
  async execute(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.disposed) throw new Error('the model has been disposed');
    return withExecutionSpan({ model: this.label, format: this.modelInfo.format, backend: this.modelInfo.backend, rows }, () => this.run(input, rows));
  }

  private async run(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.fixedBatch === 1 && rows > 1) {
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
    const dtype = this.modelInfo.inputDtype;
    if (dtype === 'float32') return tf.tensor(input, shape, 'float32');
    return tf.tensor(dtype === 'int32' ? Int32Array.from(input) : Uint8Array.from(input, (v) => (v ? 1 : 0)), shape, dtype);
  }

  private forward(x: tf.Tensor): tf.Tensor | tf.Tensor[] {
    if (this.modelInfo.format === 'layers') return (this.model as tf.LayersModel).predict(x);
    return (this.model as tf.GraphModel).execute(x);
  }

  /** [rows, outputSize] float32: every output reshaped to [rows, -1] and concatenated. */
  private flatten(ys: tf.Tensor | tf.Tensor[], rows: number): tf.Tensor2D {
    const list = Array.isArray(ys) ? ys : [ys];
    const flat = list.map((y) => {
      if (y.shape[0] !== rows) throw new Error(`output has shape ${JSON.stringify(y.shape)}, expected ${rows} rows first`);
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

  /** Frees the weights. Further predict calls throw. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batcher?.flush();
    this.model.dispose();
  }
}

/**
 * Runs `work`, failing with `code` after `ms` (no bound when `ms` is unset). Work that finishes
 * after its bound is handed to `late` (to free what it made); a late failure is swallowed.
 */
async function within<T>(ms: number | undefined, code: 'LOAD_TIMEOUT' | 'WARMUP_TIMEOUT', work: () => Promise<T>, late?: (value: T) => void): Promise<T> {
  const running = work();
  if (!ms) return running;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new ModelLoadError(code, `the model's ${code === 'LOAD_TIMEOUT' ? 'artifact did not load' : 'warm-up run did not finish'} within ${ms} ms`));
    }, ms);
  });
  running.then((value) => timedOut && late?.(value), () => undefined);
  return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
}

/** Loads a model, reads its info and frees it: the check an upload needs. */
export async function inspectModel(source: string, options: Omit<LoadModelOptions, 'batching'> = {}): Promise<ModelInfo> {
  const model = await LoadedModel.load(source, options);
  try {
    return model.info;
  } finally {
    model.dispose();
  }
}

/** Convenience wrapper of LoadedModel.load. */
export function loadModel(source: string, options?: LoadModelOptions): Promise<LoadedModel> {
  return LoadedModel.load(source, options);
}
