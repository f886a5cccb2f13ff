import { BadRequestError } from '@app/common';
import type { PackedRows } from '@app/serving/inference/input-rows.js';

/**
 * The V2 protocol's numeric datatypes this server decodes, with the values each may carry. Every
 * one is converted to float32 for the model (the runtime's only input type); a value that does not
 * fit its declared datatype (a fraction in INT32, 300 in UINT8, 1e39 in FP32) is refused rather
 * than silently rounded or clamped.
 */
const FP32_MAX = 3.4028234663852886e38;
const integer = (min: number, max: number) => (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const DATATYPES: Record<string, (value: unknown) => boolean> = {
  BOOL: (value) => typeof value === 'boolean',
  UINT8: integer(0, 255),
  UINT16: integer(0, 65_535),
  UINT32: integer(0, 4_294_967_295),
  UINT64: integer(0, Number.MAX_SAFE_INTEGER),
  INT8: integer(-128, 127),
  INT16: integer(-32_768, 32_767),
  INT32: integer(-2_147_483_648, 2_147_483_647),
  INT64: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  FP16: (value) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 65_504,
  FP32: (value) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= FP32_MAX,
  FP64: (value) => typeof value === 'number' && Number.isFinite(value),
};
export const SUPPORTED_DATATYPES = Object.keys(DATATYPES);
/** Protocol datatypes that exist but that a numeric model input cannot take. */
const KNOWN_UNSUPPORTED = new Set(['BYTES']);

export interface RequestTensor {
  name: string;
  shape: number[];
  datatype: string;
  /** JSON values, flat or nested; a Float32Array when the values came as FP32 binary data. */
  data: readonly unknown[] | Float32Array;
  parameters?: Record<string, unknown>;
}

/** What the model expects, as the model metadata route reports it. */
export interface InputSpec {
  name: string;
  /** One row's shape, without the batch dimension. */
  rowShape: number[];
  maxRows: number;
}

/**
 * Decodes the request's input tensors into the packed float32 rows the runtime takes. The runtime
 * serves single-input models only (it refuses others at load), so exactly one tensor is expected,
 * named as the model metadata says, shaped `[batch, ...rowShape]`.
 */
export function decodeInputs(inputs: RequestTensor[], spec: InputSpec): PackedRows {
  const unknown = inputs.find((tensor) => tensor.name !== spec.name);
  if (unknown)
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `unknown input '${unknown.name}': the model's only input is '${spec.name}'`,
    );
  if (inputs.length !== 1)
    throw new BadRequestError('INFERENCE_INPUT_INVALID', `input '${spec.name}' is given ${inputs.length} times`);
  const [tensor] = inputs;
  const check = DATATYPES[tensor.datatype];
  if (!check) {
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      KNOWN_UNSUPPORTED.has(tensor.datatype)
        ? `datatype ${tensor.datatype} is not supported for input '${tensor.name}' (a numeric tensor)`
        : `unknown datatype '${tensor.datatype}' (supported: ${SUPPORTED_DATATYPES.join(', ')})`,
    );
  }
  const [rows, ...rowShape] = tensor.shape;
  const expected = `[-1,${spec.rowShape.join(',')}]`;
  if (
    tensor.shape.length !== spec.rowShape.length + 1 ||
    rowShape.some((size, index) => size !== spec.rowShape[index])
  ) {
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `input '${tensor.name}' has shape ${JSON.stringify(tensor.shape)}; the model takes ${expected}`,
    );
  }
  if (rows < 1 || rows > spec.maxRows)
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `input '${tensor.name}' has ${rows} rows; 1 to ${spec.maxRows} are accepted`,
    );
  const size = tensor.shape.reduce((product, dimension) => product * dimension, 1);
  const data = new Float32Array(size);
  const written = flattenInto(tensor.data, tensor.shape, data, check, tensor);
  if (written !== size)
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `input '${tensor.name}' has ${written} values but its shape ${JSON.stringify(tensor.shape)} needs ${size}`,
    );
  return { data, rows };
}

/**
 * Writes `data` (flat, or nested exactly as the shape says: row-major either way) into `target`
 * and returns how many values it held. Nesting that disagrees with the shape, or a value that does
 * not fit the datatype, is a 400; counting stops at the target's size so a huge body cannot make
 * a huge array.
 */
function flattenInto(
  data: readonly unknown[] | Float32Array,
  shape: number[],
  target: Float32Array,
  fits: (value: unknown) => boolean,
  tensor: RequestTensor,
): number {
  const nested = Array.isArray(data) && data.some(Array.isArray);
  let count = 0;
  const put = (value: unknown) => {
    if (!fits(value))
      throw new BadRequestError(
        'INFERENCE_INPUT_INVALID',
        `input '${tensor.name}': value ${count} (${JSON.stringify(value)}) is not a valid ${tensor.datatype}`,
      );
    if (count < target.length) target[count] = Number(value);
    count += 1;
  };
  if (!nested) {
    for (const value of data) put(value);
    return count;
  }
  const walk = (value: unknown, level: number): void => {
    if (level === shape.length) return put(value);
    if (!Array.isArray(value) || value.length !== shape[level]) {
      throw new BadRequestError(
        'INFERENCE_INPUT_INVALID',
        `input '${tensor.name}': the nested data disagrees with shape ${JSON.stringify(shape)} at dimension ${level}`,
      );
    }
    for (const item of value) walk(item, level + 1);
  };
  walk(data as unknown[], 0);
  return count;
}
