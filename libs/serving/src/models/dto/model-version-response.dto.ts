import { ApiProperty } from '@nestjs/swagger';
import {
  FRAMEWORKS,
  STAGES,
  TASKS,
  type Framework,
  type ModelVersion,
  type Stage,
  type Task,
} from '../model-version.entity.js';

export class ModelVersionResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'sensor-anomaly' }) name: string;
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: FRAMEWORKS }) framework: Framework;
  @ApiProperty({ enum: TASKS }) task: Task;
  @ApiProperty({ type: [Number], example: [3], description: 'Shape of one input row (no batch dimension)' })
  inputShape: number[];
  @ApiProperty({ type: [String], nullable: true, example: ['temperature', 'humidity', 'pressure'] }) featureNames:
    string[] | null;
  @ApiProperty({ type: [String], nullable: true, example: ['normal', 'anomaly'] }) outputLabels: string[] | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { accuracy: 0.98, f1Score: 0.95 } })
  metrics: Record<string, number>;
  @ApiProperty({ enum: STAGES }) stage: Stage;
  @ApiProperty() deployed: boolean;
  @ApiProperty({
    type: [String],
    example: ['champion'],
    description:
      'Named aliases pointing at this version (set with PUT ' +
      '/models/{name}/aliases/{alias}); `production` is its stage, not listed here',
  })
  aliases: string[];
  @ApiProperty({ type: String, nullable: true, description: 'Why a deployed version could not be loaded' }) loadError:
    string | null;
  @ApiProperty({ description: 'SHA-256 over model.json then the weight files in manifest order' }) checksum: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) trainedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export function toModelVersionResponse(row: ModelVersion, aliases: string[] = []): ModelVersionResponseDto {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    description: row.description ?? null,
    framework: row.framework,
    task: row.task,
    inputShape: row.inputShape,
    featureNames: row.featureNames ?? null,
    outputLabels: row.outputLabels ?? null,
    metrics: row.metrics ?? {},
    stage: row.stage,
    deployed: Boolean(row.deployed),
    aliases,
    loadError: row.loadError ?? null,
    checksum: row.checksum,
    sizeBytes: row.sizeBytes,
    trainedAt: row.trainedAt ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
