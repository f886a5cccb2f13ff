import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RedisConnection, RedisModule } from '@app/platform';
import { InferenceModule } from '../inference.module.js';
import { BullMqJobQueue, BullMqJobWorker, INFERENCE_JOBS_QUEUE } from './bullmq-job-queue.js';
import { InProcessJobQueue } from './in-process-job-queue.js';
import { InferenceJobChunk } from './inference-job-chunk.entity.js';
import { InferenceJobResult } from './inference-job-result.entity.js';
import { InferenceJob } from './inference-job.entity.js';
import { JobProcessor, JobQueue } from './job-queue.js';
import { JobReconciler } from './job-reconciler.service.js';
import { JobRecovery } from './job-recovery.service.js';
import { JobRunner } from './job-runner.service.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';

export interface JobsModuleOptions {
  /** With Redis the queue is BullMQ, shared by every process; without, it is in-process. */
  redisUrl?: string;
  /** Whether this process runs jobs (always true without Redis). */
  runWorker: boolean;
}

/**
 * Async inference jobs: the service, the queue (BullMQ or in-process) and the worker. The API adds
 * the routes (JobsHttpModule); the worker app runs the same module without them.
 */
@Module({})
export class JobsModule {
  static register(options: JobsModuleOptions): DynamicModule {
    const common: Provider[] = [
      JobsService,
      JobsRepository,
      JobRunner,
      { provide: JobProcessor, useExisting: JobRunner },
      JobRecovery,
      JobReconciler,
    ];
    if (!options.redisUrl) {
      return {
        module: JobsModule,
        imports: [TypeOrmModule.forFeature([InferenceJob, InferenceJobChunk, InferenceJobResult]), InferenceModule],
        providers: [...common, { provide: JobQueue, useClass: InProcessJobQueue }],
        exports: [JobsService],
      };
    }
    return {
      module: JobsModule,
      imports: [
        TypeOrmModule.forFeature([InferenceJob, InferenceJobChunk, InferenceJobResult]),
        InferenceModule,
        BullModule.forRootAsync({
          imports: [RedisModule],
          inject: [RedisConnection],
          useFactory: (redis: RedisConnection) => ({ connection: redis.client, prefix: redis.prefix }),
        }),
        BullModule.registerQueue({ name: INFERENCE_JOBS_QUEUE }),
      ],
      providers: [
        ...common,
        { provide: JobQueue, useClass: BullMqJobQueue },
        ...(options.runWorker ? [BullMqJobWorker] : []),
      ],
      exports: [JobsService],
    };
  }
}
