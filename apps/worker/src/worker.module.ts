import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import {
  HealthModule,
  InferenceModule,
  JobsModule,
  MetricsModule,
  ModelsModule,
  SERVING_ENTITIES,
  USER_REFERENCE,
} from '@app/serving';
import { WorkerHttpServer } from './worker-http.js';
import { MIGRATIONS } from '../../../migrations/index.js';

/**
 * The worker's schema: the serving entities and what they relate to (the users table by its key
 * only, USER_REFERENCE) and every migration, as before (DATABASE_MIGRATE_ON_BOOT applies to both apps).
 */
const WORKER_SCHEMA = { entities: [...SERVING_ENTITIES, USER_REFERENCE], migrations: MIGRATIONS };

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
        DatabaseModule.forRoot(WORKER_SCHEMA),
        MetricsModule,
        ModelsModule,
        InferenceModule,
        JobsModule.register({ redisUrl, runWorker: true }),
        HealthModule,
      ],
      providers: [WorkerHttpServer],
    };
  }
}
