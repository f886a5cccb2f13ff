/**
 * Writes a dense ONNX network (MatMul + Add + Relu per hidden layer, seeded weights) without Python:
 * the handful of protobuf messages an ONNX file needs, encoded by hand. The benches use it for a
 * model whose compute, not HTTP, dominates a 1-row request, so batching has something to save.
 * Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto,
 * ValueInfoProto, TypeProto.Tensor, TensorShapeProto).
 */
import { mulberry32 } from '../../libs/inference/src/index.js';

const varint = (value: number): Buffer => {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
};
const int = (field: number, value: number) => Buffer.concat([varint(field * 8), varint(value)]);
const bytes = (field: number, value: Buffer | string) => {
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint(field * 8 + 2), varint(data.length), data]);
};

const FLOAT = 1;

function tensor(name: string, dims: number[], values: Float32Array): Buffer {
  return Buffer.concat([
    ...dims.map((dim) => int(1, dim)),
    int(2, FLOAT),
    bytes(8, name),
    bytes(9, Buffer.from(values.buffer, values.byteOffset, values.byteLength)),
  ]);
}

/** A float tensor of shape [batch, width] (batch symbolic). */
function valueInfo(name: string, width: number): Buffer {
  const shape = Buffer.concat([bytes(1, bytes(2, 'batch')), bytes(1, int(1, width))]);
  return Buffer.concat([bytes(1, name), bytes(2, bytes(1, Buffer.concat([int(1, FLOAT), bytes(2, shape)])))]);
}

const node = (op: string, inputs: string[], output: string) =>
  Buffer.concat([...inputs.map((input) => bytes(1, input)), bytes(2, output), bytes(4, op)]);

/** x [batch, widths[0]] -> hidden layers widths[1..-2] (relu) -> y [batch, widths.at(-1)]. */
export function denseOnnx(widths: number[], seed = 7): Buffer {
  const random = mulberry32(seed);
  const nodes: Buffer[] = [];
  const initializers: Buffer[] = [];
  let current = 'x';
  for (let layer = 0; layer + 1 < widths.length; layer += 1) {
    const [from, to] = [widths[layer], widths[layer + 1]];
    // He-style scale keeps activations finite through the relu layers.
    const scale = Math.sqrt(2 / from);
    const weights = Float32Array.from({ length: from * to }, () => (random() * 2 - 1) * scale);
    initializers.push(tensor(`w${layer}`, [from, to], weights), tensor(`b${layer}`, [to], new Float32Array(to)));
    const last = layer + 2 === widths.length;
    nodes.push(node('MatMul', [current, `w${layer}`], `m${layer}`));
    nodes.push(node('Add', [`m${layer}`, `b${layer}`], last ? 'y' : `a${layer}`));
    if (!last) nodes.push(node('Relu', [`a${layer}`], `h${layer}`));
    current = `h${layer}`;
  }
  const graph = Buffer.concat([
    ...nodes.map((n) => bytes(1, n)),
    bytes(2, 'bench_dense'),
    ...initializers.map((t) => bytes(5, t)),
    bytes(11, valueInfo('x', widths[0])),
    bytes(12, valueInfo('y', widths.at(-1) as number)),
  ]);
  return Buffer.concat([int(1, 7), bytes(2, 'bench/lib/onnx-mlp.ts'), bytes(7, graph), bytes(8, int(2, 13))]);
}
