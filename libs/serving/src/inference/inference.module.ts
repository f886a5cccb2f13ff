import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { InferenceController } from './inference.controller.js';
import { InferenceService } from './inference.service.js';
import { ShadowMirror } from './shadow-mirror.js';
import { InferenceRecordsModule } from './records/inference-records.module.js';
import { InferenceStreamGateway } from './stream/inference-stream.gateway.js';
import { StreamFrameReader } from './stream/stream-frame-reader.js';

@Module({
  imports: [ModelsModule, InferenceRecordsModule],
  controllers: [InferenceController],
  providers: [InferenceService, ShadowMirror, InferenceStreamGateway, StreamFrameReader],
  exports: [InferenceService, ModelsModule],
})
export class InferenceModule {}
