/**
 * The ONNX side's plain data: what crosses between the main thread and the worker (or inspection
 * child) that holds a session, and the element types JavaScript can carry. No onnxruntime import.
 */

/** ONNX Runtime's element type names (its `Tensor.type`) that JavaScript can carry as typed arrays or strings. */
export type OnnxElementType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string';

/** The Open Inference Protocol (V2) datatype of each element type. */
export const V2_DATATYPES: Readonly<Record<OnnxElementType, string>> = {
  float32: 'FP32',
  float64: 'FP64',
  int8: 'INT8',
  uint8: 'UINT8',
  int16: 'INT16',
  uint16: 'UINT16',
  int32: 'INT32',
  uint32: 'UINT32',
  int64: 'INT64',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

export function isCarriedType(type: string): type is OnnxElementType {
  return Object.hasOwn(V2_DATATYPES, type);
}

/** One input or output as the session's metadata states it; a dynamic dimension is -1 (symbolic or ''). */
export interface TensorSpec {
  name: string;
  type: OnnxElementType;
  shape: number[];
  /** The symbolic names of the dynamic dimensions, '' when unnamed (for messages and V2 metadata). */
  symbolic: string[];
}

/** The metadata as read, before it is checked: non-tensor values and odd element types included. */
export interface RawValueSpec {
  name: string;
  isTensor: boolean;
  type: string;
  shape: (number | string)[];
}

export interface RawSessionMetadata {
  inputs: RawValueSpec[];
  outputs: RawValueSpec[];
}

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A tensor in transit: `dims` concrete, `data` in the type's array (bool as Uint8Array, int64 as BigInt64Array). */
export interface WireTensor {
  name: string;
  type: OnnxElementType;
  dims: number[];
  data: TensorData;
}

/** What trial runs found out about a session (made where the session lives). */
export interface SessionProbe {
  /** Whether the model batches (Triton's rule: dynamic leading dims everywhere, trial runs at batch 1 and 2). */
  batching: boolean;
  /** Why not, when it does not. */
  batchingReason: string;
  /** Whether one row of the single input ran (a batch of one, or the input as is when it has no batch dimension). */
  rowRuns: boolean;
  /** Output values per row of that run (all outputs flattened), -1 when it did not run. */
  outputSize: number;
  warmupMs: number;
  /** The largest warm-up run's input plus output tensor bytes (memory-footprint.ts). */
  workingSetBytes: number;
}

/** The empty (all-zero) array of `count` elements of `type`. */
export function zeros(type: OnnxElementType, count: number): TensorData {
  switch (type) {
    case 'float32':
      return new Float32Array(count);
    case 'float64':
      return new Float64Array(count);
    case 'int8':
      return new Int8Array(count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(count);
    case 'int16':
      return new Int16Array(count);
    case 'uint16':
      return new Uint16Array(count);
    case 'int32':
      return new Int32Array(count);
    case 'uint32':
      return new Uint32Array(count);
    case 'int64':
      return new BigInt64Array(count);
    case 'uint64':
      return new BigUint64Array(count);
    case 'string':
      return new Array<string>(count).fill('');
  }
}

export const elementCount = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Bytes of these tensors' values, a run's working set (memory-footprint.ts); strings count 2 bytes a character. */
export function wireBytes(tensors: readonly WireTensor[]): number {
  let bytes = 0;
  for (const tensor of tensors)
    bytes += Array.isArray(tensor.data)
      ? tensor.data.reduce((n, text) => n + 2 * text.length, 0)
      : tensor.data.byteLength;
  return bytes;
}
