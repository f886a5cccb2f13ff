import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DriftReport } from './drift-window.js';

type VersionReports = Array<{ name: string; version: string; report: DriftReport }>;

/** Drift on the shared /metrics registry, set from the windows at each scrape (nothing on the request path). */
@Injectable()
export class DriftMetrics {
  readonly psi: Gauge<'model' | 'version' | 'feature'>;
  readonly drifted: Gauge<'model' | 'version'>;
  readonly windowRows: Gauge<'model' | 'version'>;
  readonly dropped: Counter;

  constructor(private readonly metrics: MetricsService) {
    const registers = [metrics.registry];
    this.psi = new Gauge({
      name: 'model_drift_psi',
      help: 'Population stability index of a feature over the live input window against the version reference',
      labelNames: ['model', 'version', 'feature'],
      registers,
    });
    this.drifted = new Gauge({
      name: 'model_drift_detected',
      help: '1 when a feature of the version is above DRIFT_PSI_THRESHOLD (window of DRIFT_MIN_ROWS or more)',
      labelNames: ['model', 'version'],
      registers,
    });
    this.windowRows = new Gauge({
      name: 'model_drift_window_rows',
      help: 'Live input rows in the version drift window',
      labelNames: ['model', 'version'],
      registers,
    });
    this.dropped = new Counter({
      name: 'model_drift_rows_dropped_total',
      help: 'Input rows not added to a drift window because too many were waiting to be binned',
      registers,
    });
  }

  /** Sets the gauges from `reports` at each scrape. */
  collect(reports: () => Promise<VersionReports>): void {
    this.metrics.onScrape(async () => {
      for (const { name, version, report } of await reports()) {
        this.windowRows.set({ model: name, version }, report.window.rows);
        this.drifted.set({ model: name, version }, report.drifted ? 1 : 0);
        for (const feature of report.features)
          if (feature.psi !== null) this.psi.set({ model: name, version, feature: feature.name }, feature.psi);
      }
    });
  }
}
