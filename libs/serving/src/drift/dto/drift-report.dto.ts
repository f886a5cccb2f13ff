import { ApiProperty } from '@nestjs/swagger';
import { ClosedSchema } from '@app/http/api-docs/swagger.js';

@ClosedSchema()
export class DriftWindowDto {
  @ApiProperty({ description: 'Live input rows in the window (at most DRIFT_WINDOW_ROWS, the most recent)' })
  rows: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the oldest row arrived' })
  from: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the newest row arrived' })
  to: string | null;
}

@ClosedSchema()
export class FeatureDriftDto {
  @ApiProperty({ example: 'temperature', description: "The version's feature name, else feature_<index>" })
  name: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.031,
    description: 'Population stability index of the window against the reference bins; null while the window is empty',
  })
  psi: number | null;
  @ApiProperty({ description: 'psi above the threshold, with at least DRIFT_MIN_ROWS rows in the window' })
  drifted: boolean;
}

@ClosedSchema()
export class DriftReportDto {
  @ApiProperty({ type: DriftWindowDto }) window: DriftWindowDto;
  @ApiProperty({ type: [FeatureDriftDto] }) features: FeatureDriftDto[];
  @ApiProperty({ description: 'Any feature drifted' }) drifted: boolean;
  @ApiProperty({ example: 0.2, description: 'DRIFT_PSI_THRESHOLD' }) threshold: number;
}
