import { Module, type DynamicModule } from '@nestjs/common';
import { JobsModule, type JobsModuleOptions } from '@app/serving/inference/jobs/jobs.module.js';
import { JobsController } from './jobs.controller.js';

/** The async job routes over the lib's JobsModule, registered with the same queue wiring. */
@Module({})
export class JobsHttpModule {
  static register(options: JobsModuleOptions): DynamicModule {
    return { module: JobsHttpModule, imports: [JobsModule.register(options)], controllers: [JobsController] };
  }
}
