import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DeployedModel } from '../models/deployed-models.js';
import { ModelRuntime, type PredictOutput } from '../models/model-runtime.js';
import { ModelVersionResolver } from '../models/serving/model-version-resolver.js';
import { TrafficStats } from '../models/serving/traffic-stats.js';
import { packRows, type PackedRows } from './input-rows.js';
import { InferenceRecordWriter } from './records/inference-record.writer.js';
import { toPredictions, type Prediction } from './predictions.js';
import { ShadowMirror } from './shadow-mirror.js';

export const MAX_PREDICT_ROWS = 1024;

export type { ClassPrediction as ClassPredictionLike } from './predictions.js';

/** `shadow`: a copy of a call run on a traffic policy's shadow version (never answered). */
export type PredictionSource = 'http' | 'job' | 'stream' | 'ingest' | 'oip' | 'shadow';

export interface PredictionResult {
  model: string;
  version: string;
  predictions: Prediction[];
  latencyMs: number;
}

export interface PredictionCall {
  name: string;
  version?: string;
  inputs: unknown;
  userId: number | null;
  source: PredictionSource;
  maxRows?: number;
  /** Who calls, for a traffic policy's sticky split (see callerKey); calls without one share a bucket. */
  caller?: string;
  /** The version to run on, already resolved (a job's pinned version, held for the job); no policy, no shadows. */
  model?: DeployedModel;
  /**
   * Rows already decoded and checked against the model (the V2 protocol's tensors); `inputs` is
   * then only what the prediction log hashes.
   */
  packed?: (model: DeployedModel) => PackedRows;
}

/** A prediction with the model's raw output rows, for protocols that answer tensors. */
export interface TensorPredictionResult extends PredictionResult {
  output: PredictOutput;
}

/**
 * The path of a prediction: resolve the deployed version, validate and pack the rows against its
 * reported input shape, run the batch on the runtime (which holds the model for exactly the call),
 * map outputs to labels, and log the call.
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly resolver: ModelVersionResolver,
    private readonly runtime: ModelRuntime,
    private readonly metrics: MetricsService,
    private readonly records: InferenceRecordWriter,
    private readonly stats: TrafficStats,
    private readonly shadows: ShadowMirror,
  ) {}

  async predict(call: PredictionCall): Promise<PredictionResult> {
    const { output: _output, ...result } = await this.predictWithOutput(call);
    return result;
  }

  /** The one inference path (predict, jobs, stream, ingestion, V2): resolve, pack, run, map, log. */
  async predictWithOutput(call: PredictionCall): Promise<TensorPredictionResult> {
    const started = performance.now();
    const { model, shadows } = call.model
      ? { model: call.model, shadows: [] }
      : this.resolver.resolve(call.name, call.version, call.caller);
    const labels = { model: model.name, version: model.version, source: call.source };
    try {
      const packed = call.packed
        ? call.packed(model)
        : packRows(
            call.inputs,
            { inputShape: model.info.inputShape, featureNames: model.featureNames },
            call.maxRows ?? MAX_PREDICT_ROWS,
          );
      const { data, rows } = packed;
      const output = await this.runtime.predict(model.key, data, rows);
      // Undeployed between resolve and run: answer as if it had never been there.
      if (!output) throw new NotFoundError('MODEL_NOT_DEPLOYED', 'Deployed model', `${model.name}@${model.version}`);
      const predictions = toPredictions(model, output, rows);
      const latencyMs = round(performance.now() - started);
      this.metrics.inferenceSuccess.inc(labels);
      this.metrics.inferenceDuration.observe({ model: model.name, version: model.version }, latencyMs / 1000);
      this.records.record({
        model: model.name,
        version: model.version,
        source: call.source,
        userId: call.userId,
        input: call.inputs,
        output: predictions,
        latencyMs,
        success: true,
      });
      if (call.source !== 'shadow') this.stats.countServed(model);
      for (const shadow of shadows) this.mirror(call, model, shadow, packed, output);
      return { model: model.name, version: model.version, predictions, latencyMs, output };
    } catch (error) {
      this.metrics.inferenceFailure.inc(labels);
      const latencyMs = round(performance.now() - started);
      this.records.record({
        model: model.name,
        version: model.version,
        source: call.source,
        userId: call.userId,
        input: call.inputs,
        output: null,
        latencyMs,
        success: false,
        error: (error as Error).message,
      });
      throw error;
    }
  }

  /**
   * Queues a copy of the call for a shadow version through this same path (batcher, log with source
   * `shadow`, metrics) and compares its output with the primary's. The policy only admits shadows
   * with the primaries' input shape, so the packed rows are reused as they are.
   */
  private mirror(
    call: PredictionCall,
    primary: DeployedModel,
    shadow: DeployedModel,
    packed: PackedRows,
    output: PredictOutput,
  ): void {
    this.shadows.submit(primary.name, async () => {
      const copy = await this.predictWithOutput({
        name: shadow.name,
        inputs: call.inputs,
        userId: call.userId,
        source: 'shadow',
        model: shadow,
        packed: () => packed,
      });
      this.stats.compare(primary, shadow, output, copy.output, packed.rows);
    });
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
