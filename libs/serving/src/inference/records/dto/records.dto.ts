import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto, QueryBoolean, QueryDate } from '@app/common';
import { RECORD_SOURCES, type InferenceRecord, type RecordSource } from '../inference-record.entity.js';

export class ListRecordsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) model?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) version?: string;
  @ApiPropertyOptional({ enum: RECORD_SOURCES }) @IsOptional() @IsIn(RECORD_SOURCES) source?: RecordSource;
  @QueryBoolean('Only successful (true) or failed (false) predictions') success?: boolean;
}

export class StatsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) model?: string;
  @QueryDate('Only records at or after this time') since?: Date;
}

export class InferenceRecordDto {
  @ApiProperty() id: number;
  @ApiProperty() model: string;
  @ApiProperty() version: string;
  @ApiProperty({ enum: RECORD_SOURCES }) source: RecordSource;
  @ApiProperty({
    description: 'SHA-256 (hex) of the inputs as RFC 8785 canonical JSON; a non-finite number counts as null',
  })
  inputHash: string;
  @ApiProperty({
    description:
      'The predictions as returned; a large output is summarised ' +
      'as { truncated, rows, head }; null when the call failed',
    oneOf: [
      { type: 'array', items: {} },
      {
        type: 'object',
        nullable: true,
        required: ['truncated'],
        additionalProperties: false,
        properties: {
          truncated: { type: 'boolean', enum: [true] },
          rows: { type: 'integer' },
          head: { type: 'array', items: {} },
        },
      },
    ],
  })
  output: unknown;
  @ApiProperty({ description: 'Time of the prediction call in ms (queue + compute)' }) latencyMs: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The caller; null for calls without a user' }) userId:
    number | null;
  @ApiProperty({ description: 'False when the call failed (bad input, model error)' }) success: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why the call failed (success false)' }) error:
    string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'When the prediction was made (not when the buffered record was written)',
  })
  createdAt: string;
}

export class LatencyPercentilesDto {
  @ApiProperty({ type: Number, nullable: true }) p50: number | null;
  @ApiProperty({ type: Number, nullable: true }) p95: number | null;
  @ApiProperty({ type: Number, nullable: true }) p99: number | null;
}

export class VersionStatsDto {
  @ApiProperty() model: string;
  @ApiProperty() version: string;
  @ApiProperty() requestCount: number;
  @ApiProperty() errorCount: number;
  @ApiProperty({ type: LatencyPercentilesDto, description: 'Nearest-rank percentiles over successful requests, in ms' })
  latencyMs: LatencyPercentilesDto;
  @ApiProperty({
    description: 'Executions of the model in this process since it started (one per executed batch)',
    example: 120,
  })
  executions: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Requests per execution in this process (requests that reached the model ÷ executions, as Triton ' +
      'reports it); null before the first execution',
    example: 7.5,
  })
  averageBatchSize: number | null;
}

export function toRecordDto(row: InferenceRecord): InferenceRecordDto {
  return {
    id: row.id,
    model: row.model,
    version: row.version,
    source: row.source,
    inputHash: row.inputHash,
    output: row.output === null ? null : (JSON.parse(row.output) as unknown),
    latencyMs: Number(row.latencyMs),
    userId: row.userId,
    success: Boolean(row.success),
    error: row.error,
    createdAt: row.createdAt.toISOString(),
  };
}
