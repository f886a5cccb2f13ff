import { Injectable, type PipeTransform } from '@nestjs/common';
import { BadRequestError } from '@app/common';
import type { RequestTensor } from './v2-tensors.js';

/** The infer body as the route receives it, envelope checked. */
export interface V2InferBody {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: RequestTensor[];
  /** Requested output names; absent means the default outputs. */
  outputs?: string[];
  /** `parameters.timeout` (microseconds, as Triton reads it) in milliseconds; absent or 0: none stated. */
  timeoutMs?: number;
}

/** An hour, in microseconds: the longest deadline a caller may state. */
const MAX_TIMEOUT_US = 3_600_000_000;

function timeoutOf(parameters: Record<string, unknown> | undefined): number | undefined {
  const timeout = parameters?.timeout;
  if (timeout === undefined || timeout === 0) return undefined;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > MAX_TIMEOUT_US)
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `parameters.timeout must be a whole number of microseconds from 0 to ${MAX_TIMEOUT_US}`,
    );
  return timeout / 1000;
}

const TOP = new Set(['id', 'parameters', 'inputs', 'outputs']);
const TENSOR = new Set(['name', 'shape', 'datatype', 'data', 'parameters']);
const OUTPUT = new Set(['name', 'parameters']);
const MAX_RANK = 8;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function onlyKnown(value: Record<string, unknown>, allowed: Set<string>, where: string): void {
  const extra = Object.keys(value).find((key) => !allowed.has(key));
  if (extra !== undefined) throw new BadRequestError('INFERENCE_INPUT_INVALID', `${where}: unknown field '${extra}'`);
}

function checkParameters(value: unknown, where: string): void {
  if (value !== undefined && !isObject(value))
    throw new BadRequestError('INFERENCE_INPUT_INVALID', `${where}.parameters must be an object`);
}

/**
 * Checks the protocol's inference request envelope by hand (no class-transformer: `data` can hold
 * an image's 150 000 values, which the global pipe would deep-copy). Each refusal is a 400 in the
 * protocol's `{ error }` body, naming the field.
 */
@Injectable()
export class V2InferBodyPipe implements PipeTransform<unknown, V2InferBody> {
  transform(body: unknown): V2InferBody {
    if (!isObject(body))
      throw new BadRequestError(
        'INFERENCE_INPUT_INVALID',
        'the body must be a JSON object { id?, parameters?, inputs, outputs? }',
      );
    onlyKnown(body, TOP, 'request');
    const { id, parameters, inputs, outputs } = body;
    if (id !== undefined && typeof id !== 'string')
      throw new BadRequestError('INFERENCE_INPUT_INVALID', 'id must be a string');
    checkParameters(parameters, 'request');
    if (!Array.isArray(inputs) || inputs.length === 0)
      throw new BadRequestError('INFERENCE_INPUT_INVALID', 'inputs must be a non-empty array of tensors');
    const tensors = inputs.map((input, index) => checkTensor(input, `inputs[${index}]`));
    let names: string[] | undefined;
    if (outputs !== undefined) {
      if (!Array.isArray(outputs))
        throw new BadRequestError('INFERENCE_INPUT_INVALID', 'outputs must be an array of { name }');
      names = outputs.map((output, index) => {
        const where = `outputs[${index}]`;
        if (!isObject(output) || typeof output.name !== 'string')
          throw new BadRequestError('INFERENCE_INPUT_INVALID', `${where} must be an object with a string name`);
        onlyKnown(output, OUTPUT, where);
        checkParameters(output.parameters, where);
        return output.name;
      });
    }
    const timeoutMs = timeoutOf(parameters as Record<string, unknown> | undefined);
    return {
      inputs: tensors,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(id === undefined ? {} : { id }),
      ...(parameters === undefined ? {} : { parameters: parameters as Record<string, unknown> }),
      ...(names ? { outputs: names } : {}),
    };
  }
}

function checkTensor(input: unknown, where: string): RequestTensor {
  if (!isObject(input))
    throw new BadRequestError('INFERENCE_INPUT_INVALID', `${where} must be a tensor { name, shape, datatype, data }`);
  onlyKnown(input, TENSOR, where);
  const { name, shape, datatype, data, parameters } = input;
  if (typeof name !== 'string' || name.length === 0)
    throw new BadRequestError('INFERENCE_INPUT_INVALID', `${where}.name must be a non-empty string`);
  if (
    // Rank 0 is a scalar (an ONNX model's sample rate, say); TF.js models take [batch, ...row] only.
    !Array.isArray(shape) ||
    shape.length > MAX_RANK ||
    !shape.every((size) => Number.isSafeInteger(size) && (size as number) >= 0)
  ) {
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `${where}.shape must be 0 to ${MAX_RANK} non-negative integers`,
    );
  }
  if (typeof datatype !== 'string')
    throw new BadRequestError('INFERENCE_INPUT_INVALID', `${where}.datatype must be a string`);
  if (!Array.isArray(data))
    throw new BadRequestError('INFERENCE_INPUT_INVALID', `${where}.data must be an array (flat or nested, row-major)`);
  checkParameters(parameters, where);
  return {
    name,
    shape: shape as number[],
    datatype,
    data,
    ...(parameters === undefined ? {} : { parameters: parameters as Record<string, unknown> }),
  };
}
