import { BadRequestError } from '@app/common';
import { decodeBinaryTensor } from './v2-binary-tensors.js';
import type { RequestTensor } from './v2-tensors.js';

/** Which outputs answer as raw bytes: `binary_data` on an output wins over the request's `binary_data_output`. */
export interface BinaryOutputs {
  byDefault: boolean;
  named: Readonly<Record<string, boolean>>;
}

const refuse = (message: string) => new BadRequestError('INFERENCE_INPUT_INVALID', message);

/**
 * Fills each binary input's data from the bytes after the JSON header, in input order, as the
 * extension lays them out. Each `binary_data_size` must be a byte count; together they must cover
 * the bytes exactly (none missing, none left over); a JSON body cannot carry binary inputs.
 */
export function readBinaryInputs(tensors: RequestTensor[], binary: Buffer | undefined): void {
  let offset = 0;
  tensors.forEach((tensor, index) => {
    const size = tensor.parameters?.binary_data_size;
    if (size === undefined) return;
    const where = `inputs[${index}]`;
    if (!binary) throw refuse(`${where}.parameters.binary_data_size needs a binary body (application/octet-stream)`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw refuse(`${where}.parameters.binary_data_size must be a non-negative integer byte count`);
    if (offset + size > binary.length)
      throw refuse(`${where}: binary_data_size ${size} is beyond the ${binary.length - offset} bytes left in the body`);
    tensor.data = decodeBinaryTensor(where, tensor.datatype, tensor.shape, binary.subarray(offset, offset + size));
    offset += size;
  });
  if (binary && offset !== binary.length)
    throw refuse(`the body has ${binary.length - offset} bytes after the binary inputs' binary_data_size`);
}

/** The outputs the request wants as raw bytes, or undefined when it wants none. */
export function binaryOutputsOf(
  parameters: Record<string, unknown> | undefined,
  outputs: unknown,
): BinaryOutputs | undefined {
  const byDefault = flag(parameters?.binary_data_output, 'parameters.binary_data_output');
  const named: Record<string, boolean> = {};
  if (Array.isArray(outputs))
    (outputs as { name: string; parameters?: Record<string, unknown> }[]).forEach((output, index) => {
      const wanted = output.parameters?.binary_data;
      if (wanted !== undefined) named[output.name] = flag(wanted, `outputs[${index}].parameters.binary_data`);
    });
  if (!byDefault && !Object.values(named).some(Boolean)) return undefined;
  return { byDefault, named };
}

function flag(value: unknown, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw refuse(`${where} must be true or false`);
  return value;
}
