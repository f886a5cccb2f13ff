import { TensorValueError } from '../errors.js';
import { elementCount, V2_DATATYPES, type TensorSpec, type WireTensor } from './onnx-types.js';
import { fromJsonValues, toFloat32, toJsonValues } from './onnx-values.js';

/** A named input as a caller sends it (V2): JSON values, or float32 rows from /predict. */
export interface NamedInput {
  name: string;
  shape: number[];
  /** The V2 datatype the caller stated, checked against the model's when given. */
  datatype?: string;
  data: Float32Array | readonly unknown[];
}

/** A named output in the V2 response shape. */
export interface NamedOutput {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

const invalid = (reason: string) => new TensorValueError('TENSOR_INVALID', reason);

/**
 * The feeds for one run: exactly the model's inputs by name (ONNX Runtime silently ignores unknown
 * feed names, so they are refused here), each shape of the input's rank with its fixed dimensions,
 * as many values as the shape holds, of the input's element type. Throws TensorValueError.
 */
export function checkFeeds(specs: readonly TensorSpec[], inputs: readonly NamedInput[]): WireTensor[] {
  const byName = new Map(inputs.map((input) => [input.name, input]));
  if (byName.size !== inputs.length) throw invalid('an input is named twice');
  const unknown = inputs.find((input) => !specs.some((spec) => spec.name === input.name));
  if (unknown) throw invalid(`unknown input '${unknown.name}' (inputs: ${specs.map((s) => s.name).join(', ')})`);
  return specs.map((spec) => {
    const input = byName.get(spec.name);
    if (!input) throw invalid(`input '${spec.name}' is missing`);
    const expected = V2_DATATYPES[spec.type];
    if (input.datatype !== undefined && input.datatype !== expected)
      throw invalid(`input '${spec.name}' is ${expected}, not ${input.datatype}`);
    const { shape } = input;
    const fits =
      shape.length === spec.shape.length &&
      shape.every((d, i) => Number.isInteger(d) && d >= 0 && (spec.shape[i] < 0 || spec.shape[i] === d));
    if (!fits)
      throw invalid(
        `input '${spec.name}' has shape ${JSON.stringify(shape)}; ` +
          `the model takes ${JSON.stringify(spec.shape)} (-1: any)`,
      );
    if (input.data.length !== elementCount(shape))
      throw invalid(
        `input '${spec.name}' has ${input.data.length} values; ` +
          `shape ${JSON.stringify(shape)} holds ${elementCount(shape)}`,
      );
    const data =
      spec.type === 'float32' && input.data instanceof Float32Array
        ? input.data
        : fromJsonValues(spec.name, spec.type, Array.from(input.data as ArrayLike<unknown>));
    return { name: spec.name, type: spec.type, dims: [...shape], data };
  });
}

/** The V2 response tensors of one run (int64 converted only when exact). */
export function toNamedOutputs(outputs: readonly WireTensor[]): NamedOutput[] {
  return outputs.map((o) => ({
    name: o.name,
    datatype: V2_DATATYPES[o.type],
    shape: o.dims,
    data: toJsonValues(o.name, o.type, o.data),
  }));
}

/**
 * The /predict row format from the outputs of one or more runs (each run a block of rows): per row,
 * every output's values for that row, concatenated in output order (as TF.js flattens them).
 */
export function rowsFromOutputs(runs: readonly WireTensor[][], rows: number, outputSize: number): Float32Array {
  const values = new Float32Array(rows * outputSize);
  let offset = 0;
  for (const outputs of runs) {
    const runRows = outputs[0].dims[0];
    const parts = outputs.map((o) => ({
      data: toFloat32(o.name, o.type, o.data),
      size: elementCount(o.dims) / runRows,
    }));
    for (let r = 0; r < runRows; r++) {
      for (const part of parts) {
        values.set(part.data.subarray(r * part.size, (r + 1) * part.size), offset);
        offset += part.size;
      }
    }
  }
  if (offset !== values.length)
    throw new Error(`the model answered ${offset} values for ${rows} rows of ${outputSize}`);
  return values;
}
