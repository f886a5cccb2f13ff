import * as tf from '@tensorflow/tfjs';

/** The activations the dense fast path computes itself (each one TF.js op on the layer's output). */
const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
export type DenseActivation = (typeof ACTIVATIONS)[number];

/** One Dense layer as plain arrays: `kernel` is row-major [inDim, units], as TF.js stores it. */
export interface DenseLayer {
  inDim: number;
  units: number;
  kernel: Float32Array;
  /** Null when the layer has no bias. */
  bias: Float32Array | null;
  activation: DenseActivation;
}

/** Layers that compute nothing in inference: Dropout only drops while training. */
const IDENTITY_IN_INFERENCE = new Set(['InputLayer', 'Dropout']);

type Layer = tf.LayersModel['layers'][number];

type Chain = { layers: DenseLayer[] } | { refused: string };

/**
 * The Dense layers of a layers model that is one plain chain (Sequential, or functional with each
 * layer fed by the one before) of Dense layers over a 1-D float32 row, with InputLayer and Dropout
 * between them (identities in inference; a Flatten needs rows of 2 dimensions or more, which Dense
 * layers over a 1-D row are not). Anything else is refused with the
 * reason, and the model keeps running on TF.js. The weights are read once, here.
 */
export function readDenseChain(model: tf.GraphModel | tf.LayersModel): Chain {
  if (!(model instanceof tf.LayersModel)) return { refused: 'not a layers model' };
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    return { refused: 'not a single-input, single-output model' };
  if (model.inputs[0].dtype !== 'float32') return { refused: `input dtype ${model.inputs[0].dtype}, not float32` };
  const layers: DenseLayer[] = [];
  let previous: Layer | undefined;
  for (const layer of model.layers) {
    const refusal = chainBreak(layer, previous);
    if (refusal) return { refused: refusal };
    previous = layer;
    const className = layer.getClassName();
    if (IDENTITY_IN_INFERENCE.has(className)) continue;
    if (className !== 'Dense') return { refused: `layer ${layer.name} is a ${className}` };
    const dense = readDense(layer);
    if ('refused' in dense) return dense;
    const fedBy = layers[layers.length - 1];
    if (fedBy && fedBy.units !== dense.inDim)
      return { refused: `layer ${layer.name} takes ${dense.inDim} values, not ${fedBy.units}` };
    layers.push(dense);
  }
  if (layers.length === 0) return { refused: 'no Dense layer' };
  if (model.outputs[0].sourceLayer !== previous) return { refused: 'the output is not the last layer' };
  return { layers };
}

/**
 * Why `layer` does not continue a single chain after `previous`, if it does not. The first layer is
 * fed by nothing (a functional model's InputLayer) or by an InputLayer (Sequential's hidden one).
 */
function chainBreak(layer: Layer, previous: Layer | undefined): string | undefined {
  const nodes = layer.inboundNodes;
  if (nodes.length !== 1) return `layer ${layer.name} is applied ${nodes.length} times`;
  const feeders = nodes[0].inboundLayers;
  const fedByOne = (test: (feeder: Layer) => boolean) => feeders.length === 1 && test(feeders[0]);
  const fed = previous
    ? fedByOne((feeder) => feeder === previous)
    : feeders.length === 0 || fedByOne((feeder) => feeder.getClassName() === 'InputLayer');
  return fed ? undefined : `layer ${layer.name} is not fed by the layer before it alone`;
}

/**
 * The shape a layer is applied to (its one inbound node's; chainBreak
 * checks there is one), or its list of shapes when several.
 */
function inputShapeOf(layer: Layer): tf.Shape | tf.Shape[] {
  const shapes = layer.inboundNodes[0].inputShapes;
  return Array.isArray(shapes[0]) && shapes.length === 1 ? shapes[0] : shapes;
}

/** [batch, values]: one flat row per batch entry. */
function isRowShape(shape: tf.Shape | tf.Shape[]): boolean {
  return shape.length === 2 && !Array.isArray(shape[0]) && typeof shape[1] === 'number';
}

function readDense(layer: Layer): DenseLayer | { refused: string } {
  const config = layer.getConfig() as { units?: number; activation?: unknown; useBias?: boolean };
  const activation = ACTIVATIONS.find((name) => name === config.activation);
  if (!activation) return { refused: `layer ${layer.name} has activation ${JSON.stringify(config.activation)}` };
  if (!isRowShape(inputShapeOf(layer)))
    return { refused: `layer ${layer.name} takes input of shape ${JSON.stringify(inputShapeOf(layer))}` };
  const weights = layer.getWeights();
  const [kernel, bias] = weights;
  const units = Number(config.units);
  const inDim = kernel?.shape[0] ?? -1;
  const shapesFit =
    kernel?.shape.length === 2 &&
    kernel.shape[1] === units &&
    (config.useBias
      ? weights.length === 2 && bias.shape.length === 1 && bias.shape[0] === units
      : weights.length === 1);
  if (!shapesFit || weights.some((w) => w.dtype !== 'float32'))
    return { refused: `layer ${layer.name} has unexpected weights` };
  return {
    inDim,
    units,
    kernel: Float32Array.from(kernel.dataSync()),
    bias: config.useBias ? Float32Array.from(bias.dataSync()) : null,
    activation,
  };
}
