import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ClosedSchema } from '@app/http/api-docs/swagger.js';

/** A classifier's answer for one row. */
@ClosedSchema()
export class ClassPredictionDto {
  @ApiProperty({ example: 'normal' }) label: string;
  @ApiProperty({ example: 0.97 }) confidence: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { normal: 0.97, anomaly: 0.03 } })
  probabilities: Record<string, number>;
}

/** A single-output regression's answer for one row. */
@ClosedSchema()
export class RegressionPredictionDto {
  @ApiProperty({ description: 'Single-output regression', example: 412.5 }) value: number;
}

/** A multi-output regression's answer for one row. */
@ClosedSchema()
export class MultiRegressionPredictionDto {
  @ApiProperty({ type: [Number], description: 'Multi-output regression, one value per output' }) values: number[];
}

export const PREDICTION_MODELS = [ClassPredictionDto, RegressionPredictionDto, MultiRegressionPredictionDto];

/**
 * One prediction. Every field of each branch is required and no branch allows other properties,
 * so exactly one branch matches any answer (a class prediction never passes as a regression).
 */
export const PREDICTION_SCHEMA = { oneOf: PREDICTION_MODELS.map((model) => ({ $ref: getSchemaPath(model) })) };
