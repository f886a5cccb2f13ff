import { Module } from '@nestjs/common';
import { HealthModule } from '@app/serving/health/health.module.js';
import { HealthController } from './health.controller.js';

/**
 * /health and /health/ready for the API, over the lib's HealthService (the worker answers the same
 * paths from its own bare server, worker-http.ts).
 */
@Module({
  imports: [HealthModule],
  controllers: [HealthController],
})
export class HealthHttpModule {}
