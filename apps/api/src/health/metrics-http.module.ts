import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';

/**
 * /metrics for the API, over the global MetricsService (the lib's MetricsModule, which the app
 * imports once). A module of its own, imported where MetricsModule is, so /metrics keeps its place
 * at the head of the OpenAPI document.
 */
@Module({
  controllers: [MetricsController],
})
export class MetricsHttpModule {}
