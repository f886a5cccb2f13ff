import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../metrics/metrics.service.js';

/** Registry notices sent and received by this process, on the shared /metrics registry. */
@Injectable()
export class RegistryNoticeMetrics {
  readonly sent: Counter<'outcome'>;
  readonly received: Counter;

  constructor(metrics: MetricsService) {
    this.sent = new Counter({
      name: 'model_registry_notices_sent_total',
      help:
        'Registry-change notices published to the other processes ' +
        '(outcome ok, or failed when Redis did not take it in time)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.received = new Counter({
      name: 'model_registry_notices_received_total',
      help: 'Registry-change notices received from other processes (each triggers a registry sync)',
      registers: [metrics.registry],
    });
  }
}
