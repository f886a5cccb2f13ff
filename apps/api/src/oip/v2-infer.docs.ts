import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { ApiRequestContent } from '@app/http/api-docs/api-docs.decorators.js';
import { V2InferRequestDto, V2InferResponseDto } from './dto/v2.dto.js';
import { OCTET_STREAM, SAGEMAKER_BINARY } from './v2-binary-body.js';

const BINARY_BODY = {
  schema: {
    type: 'string',
    format: 'binary',
    description:
      'Binary tensor data extension: the JSON inference request (Inference-Header-Content-Length bytes; ' +
      'the SageMaker type states it as `json-header-size=N` instead), then the raw little-endian, row-major ' +
      'bytes of each input that has `parameters.binary_data_size`, in input order (BOOL one byte 0/1, BYTES a ' +
      '4-byte length before each element). Without a header length the whole body is the JSON request.',
  },
};
const BINARY_ANSWER = {
  schema: {
    type: 'string',
    format: 'binary',
    description:
      "When an output is asked for as binary data (`outputs[].parameters.binary_data`, or the request's " +
      '`parameters.binary_data_output`): the JSON inference response (Inference-Header-Content-Length bytes), ' +
      'those outputs carrying `parameters.binary_data_size` instead of `data`, then their bytes in output order ' +
      '(this type whichever binary type the request came as)',
  },
};

/** The infer routes' bodies and answers: JSON, or the binary tensor data extension's framing. */
export const V2InferDocs = () =>
  applyDecorators(
    ApiExtraModels(V2InferRequestDto, V2InferResponseDto),
    ApiBody({ type: V2InferRequestDto }),
    ApiRequestContent({ [OCTET_STREAM]: BINARY_BODY, [SAGEMAKER_BINARY]: BINARY_BODY }),
    ApiHeader({
      name: 'Inference-Header-Content-Length',
      required: false,
      description: 'Binary bodies: the byte length of the JSON request at the start of the body',
      schema: { type: 'integer', minimum: 0 },
    }),
    ApiOkResponse({
      description: 'The inference response: JSON, or JSON followed by binary outputs',
      headers: {
        'Inference-Header-Content-Length': {
          description: 'Binary answers only: the byte length of the JSON response at the start of the body',
          schema: { type: 'integer', minimum: 0 },
        },
      },
      content: {
        'application/json': { schema: { $ref: getSchemaPath(V2InferResponseDto) } },
        [OCTET_STREAM]: BINARY_ANSWER,
      },
    }),
  );
