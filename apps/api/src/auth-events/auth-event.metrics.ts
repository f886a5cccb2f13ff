import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '@app/serving/metrics/metrics.service.js';

/** Security-event series on the shared /metrics registry. */
@Injectable()
export class AuthEventMetrics {
  readonly events: Counter<'type' | 'outcome'>;
  readonly repeatsFolded: Counter<'type'>;
  readonly dropped: Counter;
  readonly accountsUnderAttack: Gauge;
  readonly attacksDetected: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.events = new Counter({
      name: 'auth_events_total',
      help: 'Security events by type and outcome (the reason of a failure or refusal, else ok), stored or folded',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.repeatsFolded = new Counter({
      name: 'auth_events_folded_total',
      help: 'Repeated refused credentials folded into a summary row instead of stored one by one (flood protection)',
      labelNames: ['type'],
      registers,
    });
    this.dropped = new Counter({
      name: 'auth_events_dropped_total',
      help: 'Security events dropped before they were stored (buffer full during a database outage, or rejected)',
      registers,
    });
    this.accountsUnderAttack = new Gauge({
      name: 'auth_accounts_under_attack',
      help:
        'Accounts with more than AUTH_SUSPICIOUS_FAILURES failed sign-ins ' +
        'in the current login window (this process)',
      registers,
    });
    this.attacksDetected = new Counter({
      name: 'auth_accounts_under_attack_total',
      help: 'Times an account crossed AUTH_SUSPICIOUS_FAILURES failed sign-ins within a login window',
      registers,
    });
  }
}
