import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ModelsModule } from '../models/models.module.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { InferenceHealthIndicator } from './inference.health.js';
import { HealthService } from './health.service.js';
import { RedisHealthIndicator } from './redis.health.js';

/** The readiness checks both apps answer /health/ready with; each app serves them its own way. */
@Module({
  imports: [TerminusModule, ModelsModule],
  providers: [HealthService, DatabaseHealthIndicator, InferenceHealthIndicator, RedisHealthIndicator],
  exports: [HealthService],
})
export class HealthModule {}
