import { BadRequestError } from '@app/common';
import type { UploadModelDto } from './dto/upload-model.dto.js';
import type { UploadedFile } from './model-artifact.store.js';
import { ModelLoadError, type LoadedModelInfo } from './model-runtime.js';

const FORMAT_OF_FRAMEWORK = { 'tfjs-layers': 'layers', 'tfjs-graph': 'graph', onnx: 'onnx' } as const;

/** The files an upload of the framework needs: TF.js model.json and its weights; ONNX one file and no weights. */
export function checkUploadFiles(
  framework: UploadModelDto['framework'],
  model: UploadedFile | undefined,
  weights: UploadedFile[],
): asserts model is UploadedFile {
  const onnx = framework === 'onnx';
  if (!model) {
    const what = onnx ? 'the .onnx file' : 'model.json';
    throw new BadRequestError('MODEL_UPLOAD_INCOMPLETE', `The multipart field "model" (${what}) is required`);
  }
  if (onnx && weights.length > 0)
    throw new BadRequestError(
      'MODEL_UPLOAD_INCOMPLETE',
      'An ONNX model is one file in the field "model"; the field "weights" is for TF.js',
    );
  if (!onnx && weights.length === 0)
    throw new BadRequestError(
      'MODEL_UPLOAD_INCOMPLETE',
      'The multipart field "weights" needs at least one weight file',
    );
}

/**
 * The runtime's refusal of an artifact as the uploader's 400: a model that disagrees with the declared
 * inputShape or featureNames, one that loads but cannot be served (non-tensor outputs, element types
 * JSON cannot carry), or one that does not load at all. Anything else is not the upload's fault.
 */
export function uploadRefusal(error: unknown): unknown {
  if (!(error instanceof ModelLoadError)) return error;
  if (error.code === 'INPUT_SHAPE_MISMATCH') return new BadRequestError('MODEL_INPUT_SHAPE_MISMATCH', error.reason);
  if (error.code === 'UNSUPPORTED_MODEL')
    return new BadRequestError('MODEL_ARTIFACT_UNSUPPORTED', `The model cannot be served: ${error.reason}`);
  return new BadRequestError('MODEL_ARTIFACT_INVALID', `The model does not load: ${error.reason}`);
}

/** The declared metadata against what the runtime read from the artifact. */
export function checkMetadata(dto: UploadModelDto, info: LoadedModelInfo): void {
  if (FORMAT_OF_FRAMEWORK[dto.framework] !== info.format) {
    throw new BadRequestError(
      'MODEL_FRAMEWORK_MISMATCH',
      `framework is ${dto.framework} but the artifact is a ${info.format} model`,
    );
  }
  if (!sameShape(dto.inputShape, info.inputShape)) {
    throw new BadRequestError(
      'MODEL_INPUT_SHAPE_MISMATCH',
      `inputShape ${JSON.stringify(dto.inputShape)} disagrees with ` +
        `the model's input shape ${JSON.stringify(info.inputShape)}`,
    );
  }
  const rowSize = dto.inputShape.reduce((product, size) => product * size, 1);
  if (dto.featureNames && (dto.inputShape.length !== 1 || dto.featureNames.length !== rowSize)) {
    throw new BadRequestError(
      'MODEL_FEATURE_NAMES_MISMATCH',
      `featureNames needs a flat inputShape and one name per input value (${rowSize})`,
    );
  }
  if (dto.task === 'classification' && dto.outputLabels && dto.outputLabels.length !== info.outputSize) {
    throw new BadRequestError(
      'MODEL_OUTPUT_LABELS_MISMATCH',
      `outputLabels has ${dto.outputLabels.length} labels but the model outputs ${info.outputSize} values`,
    );
  }
}

/** The model may leave a dimension free (-1/null); a declared size fills it. */
function sameShape(declared: number[], actual: number[]): boolean {
  return (
    declared.length === actual.length && declared.every((size, index) => actual[index] === -1 || actual[index] === size)
  );
}
