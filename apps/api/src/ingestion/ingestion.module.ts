import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InferenceModule } from '@app/serving/inference/inference.module.js';
import { IngestionController } from './ingestion.controller.js';
import { IngestionService } from './ingestion.service.js';
import { SensorReading } from './sensor-reading.entity.js';
import { SensorReadingsRepository } from './sensor-readings.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([SensorReading]), InferenceModule],
  controllers: [IngestionController],
  providers: [IngestionService, SensorReadingsRepository],
})
export class IngestionModule {}
