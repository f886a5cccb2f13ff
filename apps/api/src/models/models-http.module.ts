import { Module } from '@nestjs/common';
import { DriftModule } from '@app/serving/drift/drift.module.js';
import { ModelsModule } from '@app/serving/models/models.module.js';
import { DriftController } from './drift.controller.js';
import { ModelEventsController } from './model-events.controller.js';
import { ModelUploadInterceptor } from './model-upload.interceptor.js';
import { ModelsController } from './models.controller.js';
import { ServingRoutesController } from './serving-routes.controller.js';

/** The model registry over HTTP: versions, events, aliases, traffic policies and drift (the lib's ModelsModule). */
@Module({
  imports: [ModelsModule, DriftModule],
  controllers: [ModelsController, ModelEventsController, ServingRoutesController, DriftController],
  providers: [ModelUploadInterceptor],
})
export class ModelsHttpModule {}
