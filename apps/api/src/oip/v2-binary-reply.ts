import type { FastifyReply } from 'fastify';
import type { BinaryOutputs } from './v2-binary-inputs.js';
import { HEADER_LENGTH, OCTET_STREAM } from './v2-binary-body.js';
import { encodeBinaryTensor } from './v2-binary-tensors.js';

interface AnsweredTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: ArrayLike<number | string | boolean>;
}
interface InferAnswer {
  outputs: AnsweredTensor[];
}

/**
 * The answer as the request asked for it: JSON unless some output is wanted as binary data; then
 * the JSON header (those outputs with `parameters.binary_data_size` instead of `data`) followed by
 * their bytes in output order, its length in Inference-Header-Content-Length, as Triton answers
 * (application/octet-stream, whichever binary type the request came as: the SageMaker type's
 * "+json" suffix would tell clients and validators that the whole body is JSON).
 */
export function answerInfer<T extends InferAnswer>(
  answer: T,
  wanted: BinaryOutputs | undefined,
  reply: FastifyReply,
): T | Buffer {
  if (!wanted) return answer;
  const chunks: Buffer[] = [];
  const outputs = answer.outputs.map((output) => {
    if (!(wanted.named[output.name] ?? wanted.byDefault)) return output;
    const bytes = encodeBinaryTensor(output.datatype, output.data);
    chunks.push(bytes);
    const { data: _inline, ...described } = output;
    return { ...described, parameters: { binary_data_size: bytes.length } };
  });
  if (chunks.length === 0) return answer;
  const header = Buffer.from(JSON.stringify({ ...answer, outputs }), 'utf8');
  void reply.header(HEADER_LENGTH, String(header.length)).type(OCTET_STREAM);
  return Buffer.concat([header, ...chunks]);
}
