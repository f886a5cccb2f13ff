import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { PREDICTION_SCHEMA } from '../../dto/prediction.dto.js';
import { JOB_STATUSES, type InferenceJob, type JobStatus } from '../inference-job.entity.js';

export class JobAcceptedDto {
  @ApiProperty({ format: 'uuid' }) jobId: string;
  @ApiProperty({ enum: ['queued'] }) status: 'queued';
}

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOB_STATUSES }) @IsOptional() @IsIn(JOB_STATUSES) status?: JobStatus;
  @ApiPropertyOptional({ description: 'Model name' }) @IsOptional() @IsString() @MaxLength(64) model?: string;
}

export class JobResultSummaryDto {
  @ApiProperty({ description: 'Number of predictions (for a cancelled job, the rows done before it stopped)' })
  rowCount: number;
  @ApiProperty({ example: '/api/v1/inference/jobs/6f1c…/results', description: 'Paginated predictions' })
  resultsPath: string;
  @ApiPropertyOptional({
    type: 'array',
    items: PREDICTION_SCHEMA,
    description: 'Inline when the job has at most 100 rows',
  })
  predictions?: unknown[];
}

export class JobStatusDto {
  @ApiProperty({ format: 'uuid' }) jobId: string;
  @ApiProperty({ enum: JOB_STATUSES }) status: JobStatus;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Fraction of rows done' }) progress: number;
  @ApiProperty() model: string;
  @ApiProperty() version: string;
  @ApiProperty() totalRows: number;
  @ApiProperty() processedRows: number;
  @ApiPropertyOptional({ type: JobResultSummaryDto }) result?: JobResultSummaryDto;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) finishedAt?: string;
}

export class JobResultRowDto {
  @ApiProperty({ description: 'Index of the input row' }) row: number;
  @ApiProperty({ ...PREDICTION_SCHEMA, description: 'The prediction, shaped as in /predict' }) prediction: unknown;
}

export const INLINE_RESULT_ROWS = 100;

export function toJobStatus(job: InferenceJob, inline?: unknown[]): JobStatusDto {
  const status: JobStatusDto = {
    jobId: job.id,
    status: job.status,
    progress: job.totalRows ? Math.round((job.processedRows / job.totalRows) * 10_000) / 10_000 : 0,
    model: job.model,
    version: job.version,
    totalRows: job.totalRows,
    processedRows: job.processedRows,
    createdAt: job.createdAt.toISOString(),
  };
  if (job.status === 'cancelled')
    status.result = { rowCount: job.processedRows, resultsPath: `/api/v1/inference/jobs/${job.id}/results` };
  if (job.status === 'succeeded')
    status.result = {
      rowCount: job.totalRows,
      resultsPath: `/api/v1/inference/jobs/${job.id}/results`,
      ...(inline ? { predictions: inline } : {}),
    };
  if (job.error) status.error = job.error;
  if (job.finishedAt) status.finishedAt = job.finishedAt;
  return status;
}
