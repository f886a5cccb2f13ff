import { Injectable } from '@nestjs/common';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { DeployedModel } from '../deployed-models.js';
import type { PredictOutput } from '../model-runtime.js';

interface PairTally {
  primary: string;
  shadow: string;
  classifier: boolean;
  calls: number;
  rows: number;
  sameLabels: number;
  absDiffSum: number;
  values: number;
}

export interface TrafficStatsReport {
  model: string;
  since: string;
  served: { version: string; calls: number }[];
  shadows: {
    primary: string;
    shadow: string;
    calls: number;
    rows: number;
    agreement: number | null;
    meanAbsoluteDifference: number | null;
  }[];
  shadowDropped: number;
}

/**
 * Per-process counts of served versions and shadow agreement since this process started, also
 * published to Prometheus (sum them over replicas there). Agreement compares the raw outputs
 * row by row: classifiers by argmax (the label), regressors by mean absolute difference.
 */
@Injectable()
export class TrafficStats {
  private readonly since = new Date();
  private readonly served = new Map<string, Map<string, number>>();
  private readonly pairs = new Map<string, Map<string, PairTally>>();
  private readonly dropped = new Map<string, number>();

  constructor(private readonly metrics: MetricsService) {}

  countServed(model: DeployedModel): void {
    const byVersion = this.served.get(model.name) ?? new Map<string, number>();
    this.served.set(model.name, byVersion.set(model.version, (byVersion.get(model.version) ?? 0) + 1));
    this.metrics.trafficServed.inc({ model: model.name, version: model.version });
  }

  countDropped(name: string, reason: 'full' | 'failed'): void {
    this.dropped.set(name, (this.dropped.get(name) ?? 0) + 1);
    this.metrics.shadowDropped.inc({ model: name, reason });
  }

  compare(
    primary: DeployedModel,
    shadow: DeployedModel,
    primaryOutput: PredictOutput,
    shadowOutput: PredictOutput,
    rows: number,
  ): void {
    const byPair = this.pairs.get(primary.name) ?? new Map<string, PairTally>();
    this.pairs.set(primary.name, byPair);
    const id = `${primary.version}>${shadow.version}`;
    const tally = byPair.get(id) ?? {
      primary: primary.version,
      shadow: shadow.version,
      classifier: primary.task === 'classification',
      calls: 0,
      rows: 0,
      sameLabels: 0,
      absDiffSum: 0,
      values: 0,
    };
    byPair.set(id, tally);
    tally.calls += 1;
    tally.rows += rows;
    for (let row = 0; row < rows; row += 1) {
      const a = primaryOutput.values.subarray(row * primaryOutput.outputSize, (row + 1) * primaryOutput.outputSize);
      const b = shadowOutput.values.subarray(row * shadowOutput.outputSize, (row + 1) * shadowOutput.outputSize);
      if (argmax(a) === argmax(b)) tally.sameLabels += 1;
      for (let index = 0; index < Math.min(a.length, b.length); index += 1)
        tally.absDiffSum += Math.abs(a[index] - b[index]);
      tally.values += Math.min(a.length, b.length);
    }
    const labels = { model: primary.name, primary: primary.version, shadow: shadow.version };
    this.metrics.shadowCalls.inc(labels);
    const figures = summary(tally);
    if (figures.agreement !== null) this.metrics.shadowAgreement.set(labels, figures.agreement);
    if (figures.meanAbsoluteDifference !== null)
      this.metrics.shadowMeanAbsDiff.set(labels, figures.meanAbsoluteDifference);
  }

  report(name: string): TrafficStatsReport {
    return {
      model: name,
      since: this.since.toISOString(),
      served: [...(this.served.get(name) ?? new Map<string, number>())]
        .map(([version, calls]) => ({ version, calls }))
        .sort((a, b) => a.version.localeCompare(b.version)),
      shadows: [...(this.pairs.get(name)?.values() ?? [])].map((tally) => ({
        primary: tally.primary,
        shadow: tally.shadow,
        calls: tally.calls,
        rows: tally.rows,
        ...summary(tally),
      })),
      shadowDropped: this.dropped.get(name) ?? 0,
    };
  }
}

function summary(tally: PairTally): { agreement: number | null; meanAbsoluteDifference: number | null } {
  if (tally.classifier)
    return { agreement: tally.rows ? tally.sameLabels / tally.rows : null, meanAbsoluteDifference: null };
  return { agreement: null, meanAbsoluteDifference: tally.values ? tally.absDiffSum / tally.values : null };
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index += 1) if (values[index] > values[best]) best = index;
  return best;
}
