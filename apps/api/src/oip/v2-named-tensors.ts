import { BadRequestError } from '@app/common';
import { V2_DATATYPES, type TensorSpec } from '@app/inference';
import type { NamedInput, NamedOutput } from '@app/serving/models/model-runtime.js';
import type { V2InferBody } from './v2-infer-body.pipe.js';
import type { RequestTensor } from './v2-tensors.js';

/** A V2 tensor's name, datatype and shape, as model metadata lists it. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** An ONNX model's inputs or outputs as it states them: its names and datatypes, every dynamic dimension -1. */
export const metadataOf = (specs: readonly TensorSpec[]): TensorMetadata[] =>
  specs.map((spec) => ({ name: spec.name, datatype: V2_DATATYPES[spec.type], shape: [...spec.shape] }));

/**
 * The request's tensors as the runtime's named feeds (it checks names, datatypes, shapes and values
 * against the model). Nested data is row-major either way, so it is flattened; the runtime then
 * checks that the count fits the shape.
 */
const namedFeeds = (inputs: readonly RequestTensor[]): NamedInput[] =>
  inputs.map((tensor) => ({
    name: tensor.name,
    shape: tensor.shape,
    datatype: tensor.datatype,
    data: Array.isArray(tensor.data) && tensor.data.some(Array.isArray) ? tensor.data.flat(Infinity) : tensor.data,
  }));

/** The feeds of a run on an ONNX version, refusing (400) an output name the model does not have before it runs. */
export function namedRun(outputs: readonly TensorSpec[], body: V2InferBody): NamedInput[] {
  const unknown = body.outputs?.find((name) => !outputs.some((output) => output.name === name));
  if (unknown !== undefined)
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `unknown output '${unknown}' (outputs: ${outputs.map((output) => output.name).join(', ')})`,
    );
  return namedFeeds(body.inputs);
}

/** The outputs the request names, in its order (every one when it names none). */
export const selectNamed = (outputs: NamedOutput[], requested: string[] | undefined): NamedOutput[] =>
  requested ? requested.map((name) => outputs.find((output) => output.name === name)!) : outputs;
