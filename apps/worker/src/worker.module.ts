import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule } from '../../api/src/config/config.module.js';
import { DatabaseModule } from '../../api/src/database/database.module.js';
import { InferenceModule } from '../../api/src/inference/inference.module.js';
import { JobsModule } from '../../api/src/inference/jobs/jobs.module.js';
import { HealthModule } from '../../api/src/health/health.module.js';
import { MetricsModule } from '../../api/src/metrics/metrics.module.js';
import { ModelsModule } from '../../api/src/models/models.module.js';
import { WorkerHttpServer } from './worker-http.js';

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
      imports: [AppConfigModule.register(), DatabaseModule, MetricsModule, ModelsModule, InferenceModule, JobsModule.register({ redisUrl, runWorker: true, withRoutes: false }), HealthModule],
      providers: [WorkerHttpServer],
    };
  }
}
