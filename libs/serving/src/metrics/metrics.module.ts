import { Global, Module } from '@nestjs/common';
import { DatabaseMetrics } from './database-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** Global so any feature module can record its own metrics through MetricsService. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, DatabaseMetrics],
  exports: [MetricsService],
})
export class MetricsModule {}
