import * as tf from '@tensorflow/tfjs';
import { readModelArtifacts } from './artifacts.js';
import { ensureBackend } from './backend.js';
import { planDenseFastPath } from './dense-verify.js';
import { asLoadError } from './errors.js';
import { LoadedModel, type ModelInfo, type ServingModel } from './loaded-model.js';
import { onnxModelPath } from './onnx/onnx-artifact.js';
import { inspectOnnx, loadOnnx, type OnnxPoolOptions } from './onnx/onnx-model.js';
import { largestWarmupBatch, tfjsBytesInUse, tfjsWorkingSet } from './memory-footprint.js';
import { within } from './within.js';
import { declaredLayersInputName, readSignature, type SignatureOptions } from './model-signature.js';

export interface LoadModelOptions extends SignatureOptions {
  /** Run one dummy batch on load (default true). It also fixes outputSize and checks the weights. */
  warmup?: boolean;
  /** Bound on reading and parsing the artifact (a hung disk or network share): LOAD_TIMEOUT after it. */
  loadTimeoutMs?: number;
  /** Bound on the warm-up run: WARMUP_TIMEOUT after it. */
  warmupTimeoutMs?: number;
  /**
   * The largest batch the batcher runs (its maxBatch): the warm-up runs it too, so its kernels
   * compile at load and its working set is measured. Skipped when that input would exceed 64 MiB.
   */
  warmupBatch?: number;
  /** Names the model in its execution spans (the server passes its key). */
  label?: string;
  /**
   * `auto` (default): a small dense layers model is served by a plain-JS forward pass when it
   * agrees with TF.js on a fixed probe set (dense-verify.ts); `off`: always TF.js.
   */
  fastPath?: FastPathMode;
}

export type FastPathMode = 'auto' | 'off';

/** Options of a load of either engine: TF.js's, the ONNX pool's, and the declared featureNames. */
export interface AnyLoadOptions extends LoadModelOptions, OnnxPoolOptions {
  featureNames?: string[];
}

/** Loads a TF.js artifact, or an ONNX one (a .onnx file or a folder holding model.onnx) into its workers. */
export function loadServingModel(source: string, options: AnyLoadOptions = {}): Promise<ServingModel> {
  const onnx = onnxModelPath(source);
  return onnx ? loadOnnx(onnx, options) : loadModel(source, options);
}

type AnyModel = tf.LayersModel | tf.GraphModel;

/**
 * Loads the artifact at `source` (a folder with model.json, or a model JSON path) through an
 * in-memory IO handler onto the active backend, reads its signature, warms it up, and returns the
 * handle. Throws ModelLoadError; whatever it made before failing is freed.
 */
export async function loadModel(source: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const backend = await ensureBackend();
  const started = performance.now();
  const bytesBefore = tfjsBytesInUse();
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
    const { batchOfOne, ...signature } = readSignature(model, files.format, {
      ...options,
      declaredInputName: files.format === 'layers' ? declaredLayersInputName(files.artifacts.modelTopology) : undefined,
    });
    const info: ModelInfo = {
      ...signature,
      backend,
      sizeBytes: files.sizeBytes,
      loadMs: performance.now() - started,
      warmupMs: 0,
      residentBytes: Math.max(0, tfjsBytesInUse() - bytesBefore),
      executor: 'tfjs',
      executorReason: 'fast path off',
    };
    const loaded = new LoadedModel(model, info, batchOfOne, options.label);
    // The fast path's verification runs TF.js too (after the warm-up
    // compiled its kernels), so it shares the warm-up's bound.
    await within(options.warmupTimeoutMs, 'WARMUP_TIMEOUT', async () => {
      if (options.warmup !== false) {
        const workingSet = await tfjsWorkingSet(() => loaded.warmUp(largestWarmupBatch(signature.rowSize, options)));
        loaded.setResidentBytes(info.residentBytes + workingSet);
      }
      if (options.fastPath !== 'off') await adoptFastPath(loaded, model, backend);
    });
    return loaded;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Serves `loaded` with the dense fast path when it is verified against TF.js; records why not otherwise. */
async function adoptFastPath(loaded: LoadedModel, model: AnyModel, backend: string): Promise<void> {
  const plan = await planDenseFastPath(model, backend, (input, rows) => loaded.predictOnTfjs(input, rows));
  if ('refused' in plan) loaded.setExecutor(undefined, `fast path refused: ${plan.refused}`);
  else
    loaded.setExecutor(
      plan.forward,
      `${plan.numerics} numerics, max error ${plan.maxError} over ${plan.probeRows} probe rows`,
    );
}

/** Loads a model, reads its info and frees it: the check an upload needs (ONNX: in a throwaway child process). */
export async function inspectModel(source: string, options: AnyLoadOptions = {}): Promise<ModelInfo> {
  const onnx = onnxModelPath(source);
  if (onnx) return inspectOnnx(onnx, options);
  const model = await loadModel(source, options);
  try {
    return model.info;
  } finally {
    model.dispose();
  }
}
