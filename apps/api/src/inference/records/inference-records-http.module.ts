import { Module } from '@nestjs/common';
import { InferenceRecordsModule } from '@app/serving/inference/records/inference-records.module.js';
import { InferenceRecordsController } from './inference-records.controller.js';

/** The recorded predictions and their per-version stats over HTTP (the lib's InferenceRecordsService). */
@Module({
  imports: [InferenceRecordsModule],
  controllers: [InferenceRecordsController],
})
export class InferenceRecordsHttpModule {}
