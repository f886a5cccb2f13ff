import { BadRequestError } from '@app/common';

/**
 * The binary tensor data extension's element layout (Triton's extension_binary_data, adopted by
 * KServe): little-endian, row-major, no padding; BOOL one byte 0 or 1; BYTES a 4-byte unsigned
 * length before each element's bytes. Decoded values go through the same checks as JSON values.
 */
const WIDTHS: Readonly<Record<string, number>> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};
const LENGTH_PREFIX = 4;

type Read = (view: DataView, offset: number) => number | boolean;
const READERS: Readonly<Record<string, Read>> = {
  BOOL: (view, offset) => view.getUint8(offset) === 1,
  UINT8: (view, offset) => view.getUint8(offset),
  INT8: (view, offset) => view.getInt8(offset),
  UINT16: (view, offset) => view.getUint16(offset, true),
  INT16: (view, offset) => view.getInt16(offset, true),
  FP16: (view, offset) => halfToNumber(view.getUint16(offset, true)),
  UINT32: (view, offset) => view.getUint32(offset, true),
  INT32: (view, offset) => view.getInt32(offset, true),
  FP32: (view, offset) => view.getFloat32(offset, true),
  // Beyond ±(2^53 − 1) the number is inexact, and the datatype checks after this refuse it.
  UINT64: (view, offset) => Number(view.getBigUint64(offset, true)),
  INT64: (view, offset) => Number(view.getBigInt64(offset, true)),
  FP64: (view, offset) => view.getFloat64(offset, true),
};

const refuse = (message: string) => new BadRequestError('INFERENCE_INPUT_INVALID', message);
const elementsOf = (shape: readonly number[]) => shape.reduce((product, dimension) => product * dimension, 1);

/**
 * One input's values from its bytes. FP32 comes back as a Float32Array (the runtimes' own type, no
 * per-value boxing), with every value finite as JSON's would be; other datatypes as plain values
 * for the JSON path's checks. A size that disagrees with shape × datatype is refused before
 * anything is allocated.
 */
export function decodeBinaryTensor(
  where: string,
  datatype: string,
  shape: readonly number[],
  bytes: Uint8Array,
): Float32Array | unknown[] {
  const count = elementsOf(shape);
  if (datatype === 'BYTES') return decodeStrings(where, shape, bytes);
  const width = WIDTHS[datatype];
  if (width === undefined) throw refuse(`${where}: datatype '${datatype}' cannot be sent as binary data`);
  if (bytes.length !== count * width)
    throw refuse(
      `${where}: binary_data_size ${bytes.length} does not match shape ${JSON.stringify(shape)} of ` +
        `${datatype} (${count * width} bytes)`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (datatype === 'FP32') return decodeFloat32(where, view, count);
  const read = READERS[datatype];
  const values = new Array<unknown>(count);
  for (let index = 0; index < count; index++) {
    if (datatype === 'BOOL' && bytes[index] > 1)
      throw refuse(`${where}: BOOL element ${index} is byte ${bytes[index]}, not 0 or 1`);
    values[index] = read(view, index * width);
  }
  return values;
}

function decodeFloat32(where: string, view: DataView, count: number): Float32Array {
  const values = new Float32Array(count);
  for (let index = 0; index < count; index++) {
    const value = view.getFloat32(index * 4, true);
    if (!Number.isFinite(value)) throw refuse(`${where}: FP32 element ${index} is ${value}, not a finite number`);
    values[index] = value;
  }
  return values;
}

function decodeStrings(where: string, shape: readonly number[], bytes: Uint8Array): string[] {
  const count = elementsOf(shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const values: string[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (values.length === count) throw refuse(`${where}: more BYTES elements than shape holds (${count})`);
    if (offset + LENGTH_PREFIX > bytes.length)
      throw refuse(`${where}: BYTES element ${values.length} has a truncated length prefix`);
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX;
    if (offset + length > bytes.length)
      throw refuse(`${where}: BYTES element ${values.length} claims ${length} bytes; ${bytes.length - offset} remain`);
    try {
      values.push(decoder.decode(bytes.subarray(offset, offset + length)));
    } catch {
      throw refuse(`${where}: BYTES element ${values.length} is not UTF-8 text`);
    }
    offset += length;
  }
  if (values.length !== count)
    throw refuse(`${where}: ${values.length} BYTES elements; shape ${JSON.stringify(shape)} holds ${count}`);
  return values;
}

/** IEEE 754 half precision to a number (no Float16Array on Node 20). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** One output's bytes, in the layout above, from its JSON-form values. */
export function encodeBinaryTensor(datatype: string, data: ArrayLike<number | string | boolean>): Buffer {
  if (datatype === 'BYTES') {
    const parts = Array.from(data, (value) => Buffer.from(String(value), 'utf8'));
    const out = Buffer.allocUnsafe(parts.reduce((total, part) => total + LENGTH_PREFIX + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      offset = out.writeUInt32LE(part.length, offset);
      offset += part.copy(out, offset);
    }
    return out;
  }
  const width = WIDTHS[datatype];
  // No runtime here answers FP16 (ONNX float16 outputs are refused at load).
  if (width === undefined || datatype === 'FP16') throw new Error(`no binary layout for output datatype ${datatype}`);
  const out = Buffer.alloc(data.length * width);
  for (let index = 0; index < data.length; index++) writeValue(out, datatype, index * width, data[index]);
  return out;
}

function writeValue(out: Buffer, datatype: string, offset: number, value: number | string | boolean): void {
  const number = Number(value);
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
      return void out.writeUInt8(number, offset);
    case 'INT8':
      return void out.writeInt8(number, offset);
    case 'UINT16':
      return void out.writeUInt16LE(number, offset);
    case 'INT16':
      return void out.writeInt16LE(number, offset);
    case 'UINT32':
      return void out.writeUInt32LE(number, offset);
    case 'INT32':
      return void out.writeInt32LE(number, offset);
    case 'FP32':
      return void out.writeFloatLE(number, offset);
    case 'UINT64':
      return void out.writeBigUInt64LE(BigInt(number), offset);
    case 'INT64':
      return void out.writeBigInt64LE(BigInt(number), offset);
    default:
      return void out.writeDoubleLE(number, offset);
  }
}
