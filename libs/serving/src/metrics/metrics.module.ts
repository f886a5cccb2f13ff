import { Global, Module } from '@nestjs/common';
import { DatabaseMetrics } from './database-metrics.js';
import { MetricsService } from './metrics.service.js';

/**
 * Global so any feature module can record its own metrics through MetricsService. Each app serves
 * /metrics its own way (the API's MetricsController, the worker's bare HTTP server).
 */
@Global()
@Module({
  providers: [MetricsService, DatabaseMetrics],
  exports: [MetricsService],
})
export class MetricsModule {}
