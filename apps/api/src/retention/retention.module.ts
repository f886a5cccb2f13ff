import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { RedisModule } from '@app/platform';
import { ModelArtifactStore } from '@app/serving/models/model-artifact.store.js';
import { PurgeLock } from './purge-lock.js';
import { RetentionPurger } from './retention-purger.js';
import { RetentionService } from './retention.service.js';

/**
 * Retention of records, readings, finished jobs, idempotency keys and archived artifacts. With
 * `schedule` the purge runs on an interval (the API); without, only when called (the CLI). With
 * Redis the lock lives there, shared by every process of the deployment.
 */
@Module({})
export class RetentionModule {
  static register(options: { schedule: boolean; redisUrl?: string }): DynamicModule {
    return {
      module: RetentionModule,
      imports: [...(options.schedule ? [ScheduleModule.forRoot()] : []), ...(options.redisUrl ? [RedisModule] : [])],
      providers: [ModelArtifactStore, PurgeLock, RetentionPurger, RetentionService],
      exports: [RetentionService],
    };
  }
}
