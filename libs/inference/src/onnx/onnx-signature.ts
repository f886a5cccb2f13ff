import { ModelLoadError } from '../errors.js';
import { isCarriedType, type RawSessionMetadata, type RawValueSpec, type TensorSpec } from './onnx-types.js';

/** What an ONNX model declares, checked: every value a tensor of a carried element type. */
export interface OnnxSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** One row of the first input, without its leading (batch) dimension; free ones filled from the declared shape. */
  rowShape: number[];
}

export interface OnnxSignatureOptions {
  /** The declared inputShape (upload check): INPUT_SHAPE_MISMATCH unless the first input's row shape is this. */
  expectedInputShape?: number[];
  /** Row shape to use where the first input has free dimensions besides the batch. */
  inputShape?: number[];
  /** The declared featureNames: a flat input must have one value per name. */
  featureNames?: string[];
}

const ZIPMAP_ADVICE =
  'export tensor outputs only: for scikit-learn, skl2onnx convert_sklearn(..., options={"zipmap": False}) ' +
  '(or {id(model): {"zipmap": False}}); for PyTorch, return tensors from forward()';
const TYPE_ADVICE =
  'export it with float32 (PyTorch: model.float() and float32 example inputs before torch.onnx.export), ' +
  'or cast inside the graph';

/** ONNX TensorProto element type codes the runtime names by number when it refuses them. */
export const ONNX_TYPE_NAMES: Readonly<Record<string, string>> = {
  '10': 'float16',
  '16': 'bfloat16',
  '17': 'float8e4m3fn',
  '18': 'float8e4m3fnuz',
  '19': 'float8e5m2',
  '20': 'float8e5m2fnuz',
};

/** The refusal of a type JavaScript cannot carry, with how to export instead. */
export function unsupportedElementType(what: string): ModelLoadError {
  return new ModelLoadError('UNSUPPORTED_MODEL', `${what}, which JavaScript cannot carry; ${TYPE_ADVICE}`);
}

function tensorSpec(value: RawValueSpec, role: 'input' | 'output'): TensorSpec {
  if (!value.isTensor) {
    throw new ModelLoadError(
      'UNSUPPORTED_MODEL',
      `${role} '${value.name}' is not a tensor (a sequence or map, such as scikit-learn's ZipMap); ${ZIPMAP_ADVICE}`,
    );
  }
  if (!isCarriedType(value.type))
    throw unsupportedElementType(`${role} '${value.name}' has element type ${value.type}`);
  return {
    name: value.name,
    type: value.type,
    shape: value.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
    symbolic: value.shape.map((d) => (typeof d === 'string' ? d : '')),
  };
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const show = (shape: readonly number[]) => JSON.stringify(shape);

/** The first input's row shape: its dimensions after the leading one, free ones taken from the given shape. */
function rowShapeOf(first: TensorSpec, options: OnnxSignatureOptions): number[] {
  const declared = first.shape.slice(1);
  const given = options.expectedInputShape ?? options.inputShape;
  if (declared.every((d) => d >= 0)) {
    if (options.expectedInputShape && !same(declared, options.expectedInputShape)) {
      throw new ModelLoadError(
        'INPUT_SHAPE_MISMATCH',
        `the model's input '${first.name}' takes rows shaped ${show(declared)}, ` +
          `not ${show(options.expectedInputShape)}`,
      );
    }
    return declared;
  }
  const fits = given && given.length === declared.length && declared.every((d, i) => d < 0 || d === given[i]);
  if (!fits) {
    const code = options.expectedInputShape ? 'INPUT_SHAPE_MISMATCH' : 'UNSUPPORTED_MODEL';
    throw new ModelLoadError(
      code,
      `the model's input '${first.name}' is shaped ${show(first.shape)} (-1: dynamic)` +
        (given ? `, which rows shaped ${show(given)} do not fit` : '; give an inputShape that fits it'),
    );
  }
  return [...given];
}

/**
 * Checks the metadata of an ONNX session against what the uploader declared. Throws
 * ModelLoadError: UNSUPPORTED_MODEL (a non-tensor value, an element type JavaScript cannot carry,
 * no inputs), INPUT_SHAPE_MISMATCH (the declared inputShape or featureNames disagree with the model).
 */
export function readOnnxSignature(metadata: RawSessionMetadata, options: OnnxSignatureOptions = {}): OnnxSignature {
  const inputs = metadata.inputs.map((value) => tensorSpec(value, 'input'));
  const outputs = metadata.outputs.map((value) => tensorSpec(value, 'output'));
  if (inputs.length === 0 || outputs.length === 0)
    throw new ModelLoadError('UNSUPPORTED_MODEL', 'the model has no inputs or no outputs');
  const rowShape = rowShapeOf(inputs[0], options);
  const { featureNames } = options;
  if (featureNames && rowShape.length === 1 && featureNames.length !== rowShape[0]) {
    throw new ModelLoadError(
      'INPUT_SHAPE_MISMATCH',
      `the model's input '${inputs[0].name}' takes ${rowShape[0]} values per row, ` +
        `but ${featureNames.length} featureNames are declared`,
    );
  }
  return { inputs, outputs, rowShape };
}
