import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { InferenceService } from './inference.service.js';
import { ShadowMirror } from './shadow-mirror.js';
import { InferenceRecordsModule } from './records/inference-records.module.js';

@Module({
  imports: [ModelsModule, InferenceRecordsModule],
  providers: [InferenceService, ShadowMirror],
  exports: [InferenceService, ModelsModule],
})
export class InferenceModule {}
