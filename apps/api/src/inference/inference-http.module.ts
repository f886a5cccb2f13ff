import { Module } from '@nestjs/common';
import { InferenceModule } from '@app/serving/inference/inference.module.js';
import { InferenceController } from './inference.controller.js';
import { InferenceRecordsHttpModule } from './records/inference-records-http.module.js';
import { InferenceStreamGateway } from './stream/inference-stream.gateway.js';
import { StreamFrameReader } from './stream/stream-frame-reader.js';

/** Predictions over HTTP and WebSocket (the lib's InferenceService), and the records' routes. */
@Module({
  imports: [InferenceModule, InferenceRecordsHttpModule],
  controllers: [InferenceController],
  providers: [InferenceStreamGateway, StreamFrameReader],
})
export class InferenceHttpModule {}
