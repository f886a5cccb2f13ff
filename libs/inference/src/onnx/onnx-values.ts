import { TensorValueError } from '../errors.js';
import type { OnnxElementType, TensorData } from './onnx-types.js';

/** The integer range each integer element type holds (int64/uint64: only what a JS number holds exactly). */
const INTEGER_RANGES: Partial<Record<OnnxElementType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * JSON values for the input `name` of element `type` as the typed array ONNX Runtime wants. Throws
 * TensorValueError naming the tensor and the first bad element: a wrong kind, a non-finite float, an
 * integer out of range, or an int64 beyond 2^53 (JSON numbers past it have already lost their exact value).
 */
export function fromJsonValues(name: string, type: OnnxElementType, values: readonly unknown[]): TensorData {
  const bad = (index: number, why: string) =>
    new TensorValueError('TENSOR_INVALID', `input '${name}' element ${index}: ${why}`);
  if (type === 'string') {
    return values.map((value, index) => {
      if (typeof value !== 'string') throw bad(index, 'expected a string (BYTES)');
      return value;
    });
  }
  if (type === 'bool') {
    return Uint8Array.from(values, (value, index) => {
      if (typeof value !== 'boolean' && value !== 0 && value !== 1) throw bad(index, 'expected true or false');
      return value ? 1 : 0;
    });
  }
  const range = INTEGER_RANGES[type];
  const numbers = values.map((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(index, 'expected a finite number');
    if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
      const limit = type.endsWith('64') ? ' (int64 values are limited to ±(2^53 - 1) in JSON)' : '';
      throw bad(index, `expected an integer of ${type}${limit}`);
    }
    return value;
  });
  switch (type) {
    case 'int64':
      return BigInt64Array.from(numbers, (n) => BigInt(n));
    case 'uint64':
      return BigUint64Array.from(numbers, (n) => BigInt(n));
    case 'float32':
      return Float32Array.from(numbers);
    case 'float64':
      return Float64Array.from(numbers);
    case 'int8':
      return Int8Array.from(numbers);
    case 'uint8':
      return Uint8Array.from(numbers);
    case 'int16':
      return Int16Array.from(numbers);
    case 'uint16':
      return Uint16Array.from(numbers);
    case 'int32':
      return Int32Array.from(numbers);
    default:
      return Uint32Array.from(numbers);
  }
}

/**
 * An output as JSON-safe values: numbers (int64 converted only when exact: a value beyond 2^53
 * throws TensorValueError rather than answer a rounded number), booleans for bool, strings.
 */
export function toJsonValues(name: string, type: OnnxElementType, data: TensorData): (number | string | boolean)[] {
  if (Array.isArray(data)) return data;
  if (type === 'bool') return Array.from(data as Uint8Array, (v) => v !== 0);
  // By element type, not instanceof: arrays that crossed from a worker may belong to another realm (Jest's vm).
  if (type === 'int64' || type === 'uint64') {
    return Array.from(data as ArrayLike<bigint>, (v: bigint) => {
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new TensorValueError(
          'OUTPUT_NOT_REPRESENTABLE',
          `output '${name}' holds the ${type} value ${v}, beyond what JSON numbers carry exactly (2^53)`,
        );
      }
      return Number(v);
    });
  }
  return Array.from(data as ArrayLike<number>);
}

/** Numeric output values as float32 (the /predict row format); strings cannot be. */
export function toFloat32(name: string, type: OnnxElementType, data: TensorData): Float32Array {
  if (type === 'float32') return data as Float32Array;
  if (type === 'string') throw new TensorValueError('OUTPUT_NOT_REPRESENTABLE', `output '${name}' holds strings`);
  return Float32Array.from(toJsonValues(name, type, data) as number[]);
}
