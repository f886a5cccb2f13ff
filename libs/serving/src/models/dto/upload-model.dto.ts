import { IsIsoDateTime } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { FRAMEWORKS, TASKS, type Framework, type Task } from '../model-version.entity.js';
import { JsonText, ModelNameRule, ModelVersionRule } from './model-fields.js';

/** The metadata fields of a multipart upload (the files are `model` and, for TF.js, `weights`). */
export class UploadModelDto {
  @ApiProperty({ example: 'sensor-anomaly' }) @IsString() @ModelNameRule() name: string;
  @ApiProperty({ example: '1.1.0' }) @IsString() @ModelVersionRule() version: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiProperty({ enum: FRAMEWORKS }) @IsIn(FRAMEWORKS) framework: Framework;
  @ApiProperty({ enum: TASKS }) @IsIn(TASKS) task: Task;

  @ApiProperty({
    description:
      'JSON array: the shape of one input row, e.g. "[3]" or "[224,224,3]" (ONNX: of the first input; ' +
      "it fills the model's free dimensions)",
    example: '[3]',
  })
  @JsonText()
  @IsArray({ message: 'inputShape must be a JSON array of positive integers' })
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @IsInt({ each: true, message: 'inputShape must hold positive integers' })
  @Min(1, { each: true, message: 'inputShape must hold positive integers' })
  @Max(1_000_000, { each: true })
  inputShape: number[];

  @ApiPropertyOptional({
    description: 'JSON array of feature names, one per input value (flat inputs only)',
    example: '["temperature","humidity","pressure"]',
  })
  @IsOptional()
  @JsonText()
  @IsArray({ message: 'featureNames must be a JSON array of strings' })
  @IsString({ each: true })
  @ArrayMaxSize(10_000)
  featureNames?: string[];

  @ApiPropertyOptional({ description: 'JSON array of class labels (classification)', example: '["normal","anomaly"]' })
  @IsOptional()
  @JsonText()
  @IsArray({ message: 'outputLabels must be a JSON array of strings' })
  @IsString({ each: true })
  @ArrayMaxSize(100_000)
  outputLabels?: string[];

  @ApiPropertyOptional({
    description: 'JSON object of metric name to number',
    example: '{"accuracy":0.97,"f1Score":0.95}',
  })
  @IsOptional()
  @JsonText()
  @IsObject({ message: 'metrics must be a JSON object' })
  metrics?: Record<string, number>;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoDateTime() trainedAt?: string;
}

/** The OpenAPI body of the upload: the two file fields plus the metadata. */
export const UPLOAD_MODEL_SCHEMA = {
  type: 'object',
  required: ['model', 'name', 'version', 'framework', 'task', 'inputShape'],
  properties: {
    model: { type: 'string', format: 'binary', description: 'The TF.js model.json, or the one .onnx file (onnx)' },
    weights: {
      type: 'array',
      items: { type: 'string', format: 'binary' },
      description: 'TF.js: the weight files named in the manifest (required); ONNX: none',
    },
    name: { type: 'string', example: 'sensor-anomaly' },
    version: { type: 'string', example: '1.1.0' },
    description: { type: 'string' },
    framework: { type: 'string', enum: [...FRAMEWORKS] },
    task: { type: 'string', enum: [...TASKS] },
    inputShape: { type: 'string', example: '[3]', description: 'JSON array' },
    featureNames: { type: 'string', example: '["temperature","humidity","pressure"]', description: 'JSON array' },
    outputLabels: { type: 'string', example: '["normal","anomaly"]', description: 'JSON array' },
    metrics: { type: 'string', example: '{"accuracy":0.97}', description: 'JSON object' },
    trainedAt: { type: 'string', format: 'date-time' },
    reference: {
      type: 'string',
      format: 'binary',
      description:
        'Optional drift baseline: JSON `{ rows?, features: [{ name?, mean, std, edges, proportions }] }`, one ' +
        'feature per input value, edges strictly increasing (2..101), proportions one per bin summing to 1 ' +
        '(as `npm run train` writes `reference.json`); at most 1 MiB and 1024 features',
    },
    referenceSample: {
      type: 'string',
      format: 'binary',
      description:
        'Optional instead of `reference`: 100..200 000 input rows to compute the baseline from (decile bins), ' +
        'as JSON (an array of rows as /predict takes them) or CSV (numbers, optionally under a header of ' +
        'feature names); at most 32 MiB',
    },
  },
};
