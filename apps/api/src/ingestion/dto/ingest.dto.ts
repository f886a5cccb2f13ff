import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { FieldErrorDto, PageQueryDto, QueryBoolean, QueryDate } from '@app/common';

export const MAX_INGEST_ROWS = 10_000;

export class IngestQueryDto {
  @ApiPropertyOptional({
    description: 'Score the stored rows with this classification model (its featureNames must be reading fields)',
    example: 'sensor-anomaly',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  model?: string;
}

export class RejectedRowDto {
  @ApiProperty({ description: 'Index of the row in the request body' }) index: number;
  @ApiProperty({ type: [FieldErrorDto] }) details: FieldErrorDto[];
}

export class IngestResultDto {
  @ApiProperty({ description: 'Rows stored' }) accepted: number;
  @ApiProperty({ type: [RejectedRowDto] }) rejected: RejectedRowDto[];
  @ApiPropertyOptional({ description: 'Rows the model flagged as anomalies (with ?model=)' }) anomalies?: number;
  @ApiPropertyOptional({ example: 'sensor-anomaly@1.0.0' }) scoredBy?: string;
}

export class ListReadingsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) sensorId?: string;
  @QueryDate('Readings at or after this time') from?: Date;
  @QueryDate('Readings at or before this time') to?: Date;
  @QueryBoolean('Only readings flagged (true) or not flagged (false) by a model') isAnomaly?: boolean;
}
