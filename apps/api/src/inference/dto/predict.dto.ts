import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The predict/job body as Swagger documents it. PredictBodyPipe checks the envelope and the service
 * checks `inputs` against the model's own input shape.
 */
export class PredictRequestDto {
  @ApiProperty({
    description:
      'One row or a list of rows. A row is a number array shaped like the model input (nested for image-like inputs; a flat array of the same size is accepted) or, for flat inputs, an object keyed by featureNames.',
    oneOf: [
      { type: 'array', items: {} },
      { type: 'object', additionalProperties: { type: 'number' } },
    ],
    example: [{ temperature: 21.5, humidity: 45, pressure: 1012 }],
  })
  inputs: unknown;

  @ApiPropertyOptional({ description: 'Pin a version; `latest` or absent means the production version', example: '1.0.0' })
  version?: string;
}

export class ClassPredictionDto {
  @ApiProperty({ example: 'normal' }) label: string;
  @ApiProperty({ example: 0.97 }) confidence: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { normal: 0.97, anomaly: 0.03 } }) probabilities: Record<string, number>;
}

export class RegressionPredictionDto {
  @ApiPropertyOptional({ description: 'Single-output regression' }) value?: number;
  @ApiPropertyOptional({ type: [Number], description: 'Multi-output regression' }) values?: number[];
}

export class PredictResponseDto {
  @ApiProperty({ example: 'sensor-anomaly' }) model: string;
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty({ type: 'array', items: { oneOf: [{ $ref: '#/components/schemas/ClassPredictionDto' }, { $ref: '#/components/schemas/RegressionPredictionDto' }] } })
  predictions: unknown[];
  @ApiProperty({ example: 0.42 }) latencyMs: number;
}
