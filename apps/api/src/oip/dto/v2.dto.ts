import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ClosedSchema } from '@app/http/api-docs/swagger.js';

/**
 * The protocol's schemas (kserve/open-inference-protocol, specification/protocol/
 * open_inference_rest.yaml), as this server answers them. Request bodies are checked by
 * V2InferBodyPipe; these classes document them.
 */
const TENSOR_DATA = {
  type: 'array',
  description: 'Row-major values, flat or nested as the shape says',
  items: {},
  example: [21.5, 45, 1012],
} as const;

/** `{ "error": "..." }`, the protocol's error body (V2 routes only). */
@ClosedSchema()
export class V2ErrorDto {
  @ApiProperty({ example: "unknown input 'x': the model's only input is 'dense_Dense1_input'" }) error: string;
}

@ClosedSchema()
export class V2ServerMetadataDto {
  @ApiProperty({ example: 'ai-commerce-api' }) name: string;
  @ApiProperty({ example: '0.1.0', description: 'The version in package.json' }) version: string;
  @ApiProperty({ type: [String], description: 'Protocol extensions supported (none yet)', example: [] })
  extensions: string[];
}

@ClosedSchema()
export class V2TensorMetadataDto {
  @ApiProperty({ example: 'dense_Dense1_input' }) name: string;
  @ApiProperty({ example: 'FP32' }) datatype: string;
  @ApiProperty({
    type: [Number],
    description: '-1 for the batch dimension (ONNX: every dynamic one)',
    example: [-1, 3],
  })
  shape: number[];
}

@ClosedSchema()
export class V2ModelMetadataDto {
  @ApiProperty({ example: 'sensor-anomaly' }) name: string;
  @ApiProperty({ type: [String], description: 'The version this route serves (the resolved one)', example: ['1.0.0'] })
  versions: string[];
  @ApiProperty({ enum: ['tensorflowjs_layers', 'tensorflowjs_graph', 'onnxruntime_onnx'] }) platform: string;
  @ApiProperty({ type: [V2TensorMetadataDto] }) inputs: V2TensorMetadataDto[];
  @ApiProperty({
    type: [V2TensorMetadataDto],
    description:
      'TF.js classifiers: `probabilities` FP32 [-1, classes] and `label` BYTES [-1]; regressors: `values` FP32 ' +
      "[-1, outputs]; ONNX: the model's own outputs",
  })
  outputs: V2TensorMetadataDto[];
}

export class V2RequestInputDto {
  @ApiProperty({ example: 'dense_Dense1_input', description: "The model's input name (model metadata)" }) name: string;
  @ApiProperty({ type: [Number], example: [1, 3], description: '[batch, ...row shape]' }) shape: number[];
  @ApiProperty({
    example: 'FP32',
    description:
      'TF.js: BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 (converted to float32); ' +
      "ONNX: the input's own datatype (model metadata), INT64 within ±(2^53 − 1)",
  })
  datatype: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) parameters?: Record<string, unknown>;
  @ApiProperty(TENSOR_DATA) data: unknown[];
}

export class V2RequestOutputDto {
  @ApiProperty({ example: 'probabilities' }) name: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) parameters?: Record<string, unknown>;
}

export class V2InferRequestDto {
  @ApiPropertyOptional({ description: 'Echoed in the response', example: '42' }) id?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    properties: {
      timeout: {
        type: 'integer',
        minimum: 0,
        maximum: 3_600_000_000,
        description:
          'Microseconds (as Triton reads it) within which the inference must start: 503 when it cannot, ' +
          '504 when it passes while waiting; 0 or absent: INFERENCE_DEFAULT_TIMEOUT_MS',
      },
    },
    description: '`timeout` sets the deadline; the others are accepted and change nothing',
  })
  parameters?: Record<string, unknown>;
  @ApiProperty({
    type: [V2RequestInputDto],
    description: 'TF.js: one tensor (a single input); ONNX: every input of the model by name',
  })
  inputs: V2RequestInputDto[];
  @ApiPropertyOptional({
    type: [V2RequestOutputDto],
    description:
      'Outputs to answer; default `probabilities` (classifiers) or `values` (regressors); ONNX: every output',
  })
  outputs?: V2RequestOutputDto[];
}

@ClosedSchema()
export class V2ResponseOutputDto {
  @ApiProperty({ example: 'probabilities' }) name: string;
  @ApiProperty({ type: [Number], example: [1, 2] }) shape: number[];
  @ApiProperty({ example: 'FP32', description: "TF.js: FP32 or BYTES; ONNX: the output's own datatype" })
  datatype: string;
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] },
    description: 'Flat, row-major',
    example: [0.98, 0.02],
  })
  data: (number | string | boolean)[];
}

@ClosedSchema()
export class V2InferResponseDto {
  @ApiProperty({ example: 'sensor-anomaly' }) model_name: string;
  @ApiProperty({ example: '1.0.0' }) model_version: string;
  @ApiPropertyOptional({ example: '42' }) id?: string;
  @ApiProperty({ type: [V2ResponseOutputDto] }) outputs: V2ResponseOutputDto[];
}
