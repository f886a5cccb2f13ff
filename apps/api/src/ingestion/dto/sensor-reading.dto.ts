import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsIsoDateTime } from '@app/common';
import type { SensorReading } from '../sensor-reading.entity.js';

const finite = { allowNaN: false, allowInfinity: false };

/** One reading as sent; the ranges are the seed's. */
export class SensorReadingInputDto {
  @ApiProperty({ format: 'date-time', example: '2026-01-01T12:00:00Z' }) @IsIsoDateTime() timestamp: string;
  @ApiProperty({ example: 'greenhouse-7' }) @IsString() @Length(1, 64) sensorId: string;
  @ApiProperty({ minimum: -50, maximum: 100, example: 21.5 }) @IsNumber(finite) @Min(-50) @Max(100) temperature: number;
  @ApiProperty({ minimum: 0, maximum: 100, example: 45 }) @IsNumber(finite) @Min(0) @Max(100) humidity: number;
  @ApiPropertyOptional({ minimum: 300, maximum: 1100, example: 1012, description: 'hPa' })
  @IsOptional()
  @IsNumber(finite)
  @Min(300)
  @Max(1100)
  pressure?: number;
}

export class SensorReadingDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiProperty() sensorId: string;
  @ApiProperty() temperature: number;
  @ApiProperty() humidity: number;
  @ApiProperty({ type: Number, nullable: true }) pressure: number | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Set when the reading was scored by a model' }) isAnomaly:
    boolean | null;
  @ApiProperty({ type: Number, nullable: true, description: "The model's probability of 'anomaly'" }) anomalyScore:
    number | null;
  @ApiProperty({ type: String, nullable: true, example: 'sensor-anomaly@1.0.0' }) scoredBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export function toSensorReadingDto(row: SensorReading): SensorReadingDto {
  return {
    id: row.id,
    timestamp: row.timestamp,
    sensorId: row.sensorId,
    temperature: Number(row.temperature),
    humidity: Number(row.humidity),
    pressure: row.pressure === null ? null : Number(row.pressure),
    isAnomaly: row.isAnomaly === null ? null : Boolean(row.isAnomaly),
    anomalyScore: row.anomalyScore === null ? null : Number(row.anomalyScore),
    scoredBy: row.scoredBy,
    createdAt: row.createdAt.toISOString(),
  };
}
