import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { InferenceModule } from '../../api/src/inference/inference.module.js';
import { JobsModule } from '../../api/src/inference/jobs/jobs.module.js';
import { HealthModule } from '../../api/src/health/health.module.js';
import { MetricsModule } from '../../api/src/metrics/metrics.module.js';
import { ModelsModule } from '../../api/src/models/models.module.js';
import { WorkerHttpServer } from './worker-http.js';
import { SCHEMA } from '../../api/src/database/schema.js';

/**
 * The job worker: the same modules as the API (config, database, model registry and runtime,
 * inference, jobs), without the API's routes; a bare HTTP server answers /metrics and /health
 * (worker-http.ts). Several workers share the BullMQ queue.
 */
@Module({})
export class WorkerModule {
  static register(redisUrl: string): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.register(),
        DatabaseModule.forRoot(SCHEMA),
        MetricsModule,
        ModelsModule,
        InferenceModule,
        JobsModule.register({ redisUrl, runWorker: true, withRoutes: false }),
        HealthModule,
      ],
      providers: [WorkerHttpServer],
    };
  }
}
