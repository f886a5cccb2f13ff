import { Module } from '@nestjs/common';
import { DriftModule } from '../drift/drift.module.js';
import { ModelsModule } from '../models/models.module.js';
import { EarlyRefusal } from './early-refusal.js';
import { InferenceService } from './inference.service.js';
import { ShadowMirror } from './shadow-mirror.js';
import { InferenceRecordsModule } from './records/inference-records.module.js';

@Module({
  imports: [ModelsModule, InferenceRecordsModule, DriftModule],
  providers: [InferenceService, ShadowMirror, EarlyRefusal],
  exports: [InferenceService, EarlyRefusal, ModelsModule],
})
export class InferenceModule {}
