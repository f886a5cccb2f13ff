import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto, QueryBoolean } from '@app/common';
import { RECORD_SOURCES, type InferenceRecord, type RecordSource } from '../inference-record.entity.js';

export class ListRecordsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) model?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) version?: string;
  @ApiPropertyOptional({ enum: RECORD_SOURCES }) @IsOptional() @IsIn(RECORD_SOURCES) source?: RecordSource;
  @QueryBoolean('Only successful (true) or failed (false) predictions') success?: boolean;
}

export class StatsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) model?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Only records at or after this time' }) @IsOptional() @IsISO8601() since?: string;
}

export class InferenceRecordDto {
  @ApiProperty() id: number;
  @ApiProperty() model: string;
  @ApiProperty() version: string;
  @ApiProperty({ enum: RECORD_SOURCES }) source: RecordSource;
  @ApiProperty({ description: 'SHA-256 of the canonical JSON of the inputs' }) inputHash: string;
  @ApiProperty({ nullable: true, description: 'The predictions (large outputs are summarised as { truncated, rows, head })' }) output: unknown;
  @ApiProperty() latencyMs: number;
  @ApiProperty({ type: Number, nullable: true }) userId: number | null;
  @ApiProperty() success: boolean;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
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
  @ApiProperty({ type: LatencyPercentilesDto, description: 'Nearest-rank percentiles over successful requests, in ms' }) latencyMs: LatencyPercentilesDto;
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
