import type * as tf from '@tensorflow/tfjs';
import type { ModelFormat } from './artifacts.js';
import { ModelLoadError } from './errors.js';

export type InputDtype = 'float32' | 'int32' | 'bool';

/**
 * What a model's declared inputs and outputs say about it, read once at load: enough for callers
 * to shape and check rows before any tensor is made, and for execution to build the input tensor.
 */
export interface ModelSignature {
  format: ModelFormat;
  /** One row's shape, without the batch dimension, e.g. [3] or [224, 224, 3]. */
  inputShape: number[];
  inputDtype: InputDtype;
  /** Values per input row (product of inputShape). */
  rowSize: number;
  /** Output values per row (all outputs flattened and concatenated); -1 until the warm-up fixes it when undeclared. */
  outputSize: number;
  inputName: string;
  outputNames: string[];
  /** The model declares a batch dimension of exactly 1: larger batches run row by row. */
  batchOfOne: boolean;
}

/** The row shape a load may require or supply. */
export interface SignatureOptions {
  /** The input name the artifact declares (see declaredLayersInputName); the loaded one otherwise. */
  declaredInputName?: string;
  /** When given, the signature is refused (INPUT_SHAPE_MISMATCH) unless the row shape is exactly this. */
  expectedInputShape?: number[];
  /** Row shape to use for models whose input has unknown (-1) dimensions besides the batch. */
  inputShape?: number[];
}

type AnyModel = tf.LayersModel | tf.GraphModel;

type LayerConfig = { class_name?: string; config?: { name?: unknown } };

/**
 * A layers model's input name as its topology declares it. TF.js makes layer names unique per
 * process, so the second load of the same artifact reports `dense_input_1`: clients of the V2
 * protocol read the name from the metadata of one version and send it to another, so the name must
 * come from the artifact, not from the load. Undefined when the topology does not say.
 */
export function declaredLayersInputName(topology: unknown): string | undefined {
  const config =
    (topology as { model_config?: { class_name?: string; config?: unknown } } | undefined)?.model_config ??
    (topology as { class_name?: string; config?: unknown } | undefined);
  const body = config?.config as { layers?: LayerConfig[]; input_layers?: unknown[][] } | LayerConfig[] | undefined;
  const inputLayers = Array.isArray(body) ? undefined : body?.input_layers;
  if (Array.isArray(inputLayers?.[0]) && typeof inputLayers[0][0] === 'string') return inputLayers[0][0];
  const first = (Array.isArray(body) ? body : body?.layers)?.[0];
  const name = first?.config?.name;
  if (typeof name !== 'string') return undefined;
  // A Sequential model without an explicit InputLayer names its input after the first layer.
  return first?.class_name === 'InputLayer' ? name : `${name}_input`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The row shape: the declared one, or the given one where the declared has free dimensions. */
function rowShape(fullShape: (number | null)[], options: SignatureOptions): number[] {
  const declared = fullShape.slice(1).map((d) => (d === null || d < 0 ? -1 : d));
  if (fullShape.length > 0 && declared.every((d) => d >= 0)) return declared;
  const given = options.inputShape ?? options.expectedInputShape;
  const compatible =
    given &&
    fullShape.length > 0 &&
    given.length === declared.length &&
    declared.every((d, i) => d < 0 || d === given[i]);
  if (!given || !compatible) {
    throw new ModelLoadError(
      'UNSUPPORTED_MODEL',
      `the model input shape ${JSON.stringify(fullShape.map((d) => d ?? -1))} ` +
        `has unknown dimensions; give an inputShape that fits it`,
    );
  }
  return [...given];
}

/** Values per row of the declared outputs, or -1 when any output has a free dimension. */
function declaredOutputSize(model: AnyModel): number {
  const shapes = (model.outputs as { shape?: (number | null)[] }[]).map((o) => o.shape?.slice(1) ?? [-1]);
  if (!shapes.every((s) => s.every((d) => typeof d === 'number' && d >= 0))) return -1;
  return shapes.reduce((sum, s) => sum + (s as number[]).reduce((a, b) => a * b, 1), 0);
}

/**
 * Reads the signature of a loaded TF.js model. Throws ModelLoadError (UNSUPPORTED_MODEL,
 * INPUT_SHAPE_MISMATCH) for what this library cannot serve: several inputs, an input dtype other
 * than float32/int32/bool, free row dimensions without a given shape, a fixed batch above 1.
 */
export function readSignature(model: AnyModel, format: ModelFormat, options: SignatureOptions = {}): ModelSignature {
  const inputs = model.inputs as { name: string; shape?: (number | null)[]; dtype?: string }[];
  if (inputs.length !== 1) {
    throw new ModelLoadError(
      'UNSUPPORTED_MODEL',
      `the model has ${inputs.length} inputs; only single-input models are supported`,
    );
  }
  const input = inputs[0];
  const dtype = input.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new ModelLoadError('UNSUPPORTED_MODEL', `input dtype ${dtype} is not supported (float32, int32 or bool)`);
  }
  const fullShape = input.shape ?? [];
  const inputShape = rowShape(fullShape, options);
  if (options.expectedInputShape && !sameShape(inputShape, options.expectedInputShape)) {
    throw new ModelLoadError(
      'INPUT_SHAPE_MISMATCH',
      `the model's input shape is ${JSON.stringify(inputShape)}, not ${JSON.stringify(options.expectedInputShape)}`,
    );
  }
  const batchDim = fullShape[0];
  const batchOfOne = typeof batchDim === 'number' && batchDim > 0;
  if (batchOfOne && batchDim !== 1)
    throw new ModelLoadError('UNSUPPORTED_MODEL', `the model's batch size is fixed at ${batchDim}`);
  return {
    format,
    inputShape,
    inputDtype: dtype,
    rowSize: inputShape.reduce((a, b) => a * b, 1),
    outputSize: declaredOutputSize(model),
    inputName: options.declaredInputName ?? input.name,
    outputNames: (model.outputs as { name: string }[]).map((o) => o.name),
    batchOfOne,
  };
}
