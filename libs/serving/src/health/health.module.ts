import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ModelsModule } from '../models/models.module.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { InferenceHealthIndicator } from './inference.health.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { RedisHealthIndicator } from './redis.health.js';

@Module({
  imports: [TerminusModule, ModelsModule],
  controllers: [HealthController],
  providers: [HealthService, DatabaseHealthIndicator, InferenceHealthIndicator, RedisHealthIndicator],
  exports: [HealthService],
})
export class HealthModule {}
