import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { InferenceController } from './inference.controller.js';
import { InferenceService } from './inference.service.js';
import { InferenceStreamGateway } from './stream/inference-stream.gateway.js';

@Module({
  imports: [ModelsModule],
  controllers: [InferenceController],
  providers: [InferenceService, InferenceStreamGateway],
  exports: [InferenceService, ModelsModule],
})
export class InferenceModule {}
