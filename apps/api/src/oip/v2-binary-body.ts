import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import { BadRequestError } from '@app/common';

/** Triton's binary request types: the JSON header's length in a request header, or in the type (SageMaker). */
export const OCTET_STREAM = 'application/octet-stream';
export const SAGEMAKER_BINARY = 'application/vnd.sagemaker-triton.binary+json';
export const HEADER_LENGTH = 'inference-header-content-length';
const SAGEMAKER_HEADER_SIZE = /;\s*json-header-size\s*=\s*([^;\s]*)/i;

/** An infer body in the binary tensor data extension: its JSON header parsed, the tensor bytes after it. */
export class V2BinaryRequest {
  constructor(
    readonly header: unknown,
    readonly binary: Buffer,
  ) {}
}

const NOT_JSON = 'the JSON header of the binary body (Inference-Header-Content-Length bytes) is not a JSON object';
const UNREADABLE_JSON = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);
type Done = (error: Error | null, body?: unknown) => void;
type ParseJson = (request: FastifyRequest, json: Buffer, done: Done) => void;

/**
 * The parser for binary infer bodies, on the V2 infer routes only (elsewhere these types stay a
 * 415, as before). It splits the body at the declared header length, refusing a length that is not
 * a plain byte count within the body, and parses the header with the same JSON parser and depth
 * check as JSON bodies. The body limit and the large-body budget apply as to JSON: both run on
 * the raw body before this.
 */
export function installV2BinaryBodyParser(
  fastify: FastifyInstance,
  parseJson: ParseJson,
  isInferRoute: (url: string | undefined) => boolean,
): void {
  fastify.addContentTypeParser(
    [OCTET_STREAM, SAGEMAKER_BINARY],
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done: Done) => {
      const contentType = request.headers['content-type'] ?? '';
      if (!isInferRoute(request.routeOptions.url))
        return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(contentType.split(';')[0]));
      const sagemaker = contentType.toLowerCase().startsWith(SAGEMAKER_BINARY);
      let length: number;
      try {
        length = headerLength(request, contentType, sagemaker, body.length);
      } catch (error) {
        return done(error as Error);
      }
      parseJson(request, body.subarray(0, length), (error, header) => {
        if (!error) return done(null, new V2BinaryRequest(header, body.subarray(length)));
        // Fastify's own message names application/json; say which part of which body it was.
        const unreadable = UNREADABLE_JSON.has((error as { code?: string }).code ?? '');
        done(unreadable ? new BadRequestError('INFERENCE_INPUT_INVALID', NOT_JSON) : error);
      });
    },
  );
}

/** The JSON header's byte length: stated, a non-negative integer no larger than the body; absent, the whole body. */
function headerLength(request: FastifyRequest, contentType: string, sagemaker: boolean, bodyLength: number): number {
  const stated = sagemaker ? SAGEMAKER_HEADER_SIZE.exec(contentType)?.[1] : undefined;
  const raw = stated ?? request.headers[HEADER_LENGTH];
  if (raw === undefined) return bodyLength;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  if (!/^\d{1,15}$/.test(text))
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `Inference-Header-Content-Length must be a byte count, not '${text.slice(0, 40)}'`,
    );
  const length = Number(text);
  if (length > bodyLength)
    throw new BadRequestError(
      'INFERENCE_INPUT_INVALID',
      `Inference-Header-Content-Length ${length} is beyond the body's ${bodyLength} bytes`,
    );
  return length;
}
