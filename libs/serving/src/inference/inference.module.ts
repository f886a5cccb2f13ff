import { Module } from '@nestjs/common';
import { DriftModule } from '../drift/drift.module.js';
import { ModelsModule } from '../models/models.module.js';
import { InferenceService } from './inference.service.js';
import { ShadowMirror } from './shadow-mirror.js';
import { InferenceRecordsModule } from './records/inference-records.module.js';

@Module({
  imports: [ModelsModule, InferenceRecordsModule, DriftModule],
  providers: [InferenceService, ShadowMirror],
  exports: [InferenceService, ModelsModule],
})
export class InferenceModule {}
