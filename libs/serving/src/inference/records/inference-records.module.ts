import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelsModule } from '../../models/models.module.js';
import { InferenceRecord } from './inference-record.entity.js';
import { InferenceRecordWriter } from './inference-record.writer.js';
import { InferenceRecordsRepository } from './inference-records.repository.js';
import { InferenceRecordsService } from './inference-records.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([InferenceRecord]), ModelsModule],
  providers: [InferenceRecordWriter, InferenceRecordsRepository, InferenceRecordsService],
  exports: [InferenceRecordWriter, InferenceRecordsService],
})
export class InferenceRecordsModule {}
