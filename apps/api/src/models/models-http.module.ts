import { Module } from '@nestjs/common';
import { ModelsModule } from '@app/serving/models/models.module.js';
import { ModelEventsController } from './model-events.controller.js';
import { ModelUploadInterceptor } from './model-upload.interceptor.js';
import { ModelsController } from './models.controller.js';
import { ServingRoutesController } from './serving-routes.controller.js';

/** The model registry over HTTP: versions, events, aliases and traffic policies (the lib's ModelsModule). */
@Module({
  imports: [ModelsModule],
  controllers: [ModelsController, ModelEventsController, ServingRoutesController],
  providers: [ModelUploadInterceptor],
})
export class ModelsHttpModule {}
