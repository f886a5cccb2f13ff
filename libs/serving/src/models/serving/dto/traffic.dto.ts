import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SAFE_SEGMENT } from '../../dto/model-fields.js';

export const MAX_POLICY_VERSIONS = 10;
const VERSION_MESSAGE =
  'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit, without ".."';

export class WeightedVersionDto {
  @ApiProperty({ example: '1.0.0' })
  @IsString()
  @Matches(SAFE_SEGMENT, { message: `version ${VERSION_MESSAGE}` })
  version: string;
  @ApiProperty({
    example: 90,
    minimum: 1,
    maximum: 100,
    description: 'Integer percent; the weights of a policy sum to 100',
  })
  @IsInt()
  @Min(1)
  @Max(100)
  weight: number;
}

export class PutTrafficPolicyDto {
  @ApiProperty({
    type: [WeightedVersionDto],
    minItems: 1,
    maxItems: MAX_POLICY_VERSIONS,
    description: 'Primary versions (each once, not archived); integer weights summing to exactly 100',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_POLICY_VERSIONS)
  @ValidateNested({ each: true })
  @Type(() => WeightedVersionDto)
  versions: WeightedVersionDto[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_POLICY_VERSIONS,
    example: ['2.0.0-rc1'],
    description:
      'Versions that get a copy of each call (never answer it); not a primary; same input shape as the primaries',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_POLICY_VERSIONS)
  @IsString({ each: true })
  @Matches(SAFE_SEGMENT, { each: true, message: `each shadow version ${VERSION_MESSAGE}` })
  shadow?: string[];
}

export class TrafficPolicyResponseDto {
  @ApiProperty({ example: 'sensor-anomaly' }) model: string;
  @ApiProperty({ type: [WeightedVersionDto] }) versions: WeightedVersionDto[];
  @ApiProperty({ type: [String], example: [] }) shadow: string[];
  @ApiProperty({
    example: 1,
    description: 'Grows with every PUT; part of the sticky hash, so a change reshuffles callers once',
  })
  revision: number;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export class ServedVersionStatsDto {
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty({ example: 900, description: 'Successful calls it answered (every source but shadow)' }) calls: number;
}

export class ShadowPairStatsDto {
  @ApiProperty({ example: '1.0.0' }) primary: string;
  @ApiProperty({ example: '2.0.0' }) shadow: string;
  @ApiProperty({ example: 100, description: 'Shadow calls compared with this primary' }) calls: number;
  @ApiProperty({ example: 250, description: 'Rows compared' }) rows: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.97,
    description: 'Classifiers: share of rows where the shadow gave the same label; null for regressors',
  })
  agreement: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: null,
    description: 'Regressors: mean absolute difference of the output values; null for classifiers',
  })
  meanAbsoluteDifference: number | null;
}

export class TrafficStatsResponseDto {
  @ApiProperty({ example: 'sensor-anomaly' }) model: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: "Counts are this process's since it started (Prometheus has them per process too)",
  })
  since: string;
  @ApiProperty({ type: [ServedVersionStatsDto] }) served: ServedVersionStatsDto[];
  @ApiProperty({ type: [ShadowPairStatsDto] }) shadows: ShadowPairStatsDto[];
  @ApiProperty({ example: 0, description: 'Shadow copies dropped (queue full) or failed' }) shadowDropped: number;
}
