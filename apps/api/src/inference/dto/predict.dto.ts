import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, Matches, ValidateIf } from 'class-validator';
import { PREDICTION_SCHEMA } from '@app/serving/inference/dto/prediction.dto.js';

/** A version as a request may pin it (`latest` included); the stream frame uses the same rule. */
export const VERSION_SELECTOR = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The predict/job body: what Swagger documents and the only statement of its rules. PredictBodyPipe
 * applies them (without copying `inputs`); the service checks `inputs` against the model's own
 * input shape.
 */
export class PredictRequestDto {
  @IsDefined()
  @ApiProperty({
    description:
      'One row or a list of rows. A row is a number array shaped like the model input (nested for image-like ' +
      'inputs; a flat array of the same size is accepted) or, for flat inputs, an object keyed by featureNames.',
    oneOf: [
      { type: 'array', items: {} },
      { type: 'object', additionalProperties: { type: 'number' } },
    ],
    example: [{ temperature: 21.5, humidity: 45, pressure: 1012 }],
  })
  inputs: unknown;

  @ApiPropertyOptional({
    description:
      'Pin a version or an alias (`champion`, ...), bypassing the traffic policy; `latest` and ' +
      '`production` mean the production version; absent follows the traffic policy, else production',
    example: '1.0.0',
  })
  // Absent is fine, null is not (as a string field of a JSON body is either present or left out).
  @ValidateIf((_, value) => value !== undefined)
  @Matches(VERSION_SELECTOR, { message: 'version must be 1-64 letters, digits, dots, dashes or underscores' })
  version?: string;
}

export class PredictResponseDto {
  @ApiProperty({ example: 'sensor-anomaly' }) model: string;
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty({ type: 'array', items: PREDICTION_SCHEMA })
  predictions: unknown[];
  @ApiProperty({ example: 0.42 }) latencyMs: number;
}
