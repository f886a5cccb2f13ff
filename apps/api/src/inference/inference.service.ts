import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DeployedModel } from '../models/deployed-models.js';
import { ModelRuntime, type PredictOutput } from '../models/model-runtime.js';
import { ModelsService } from '../models/models.service.js';
import { packRows, type PackedRows } from './input-rows.js';
import { InferenceRecordWriter } from './records/inference-record.writer.js';
import { toPredictions, type Prediction } from './predictions.js';

export const MAX_PREDICT_ROWS = 1024;

export type { ClassPrediction as ClassPredictionLike } from './predictions.js';

export type PredictionSource = 'http' | 'job' | 'stream' | 'ingest' | 'oip';

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
  /** The version to run on, already resolved (a job's pinned version, held for the job). */
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
    private readonly models: ModelsService,
    private readonly runtime: ModelRuntime,
    private readonly metrics: MetricsService,
    private readonly records: InferenceRecordWriter,
  ) {}

  async predict(call: PredictionCall): Promise<PredictionResult> {
    const { output: _output, ...result } = await this.predictWithOutput(call);
    return result;
  }

  /** The one inference path (predict, jobs, stream, ingestion, V2): resolve, pack, run, map, log. */
  async predictWithOutput(call: PredictionCall): Promise<TensorPredictionResult> {
    const started = performance.now();
    const model = call.model ?? this.models.resolve(call.name, call.version);
    const labels = { model: model.name, version: model.version, source: call.source };
    try {
      const { data, rows } = call.packed ? call.packed(model) : packRows(call.inputs, { inputShape: model.info.inputShape, featureNames: model.featureNames }, call.maxRows ?? MAX_PREDICT_ROWS);
      const output = await this.runtime.predict(model.key, data, rows);
      // Undeployed between resolve and run: answer as if it had never been there.
      if (!output) throw new NotFoundError('MODEL_NOT_DEPLOYED', 'Deployed model', `${model.name}@${model.version}`);
      const predictions = toPredictions(model, output, rows);
      const latencyMs = round(performance.now() - started);
      this.metrics.inferenceSuccess.inc(labels);
      this.metrics.inferenceDuration.observe({ model: model.name, version: model.version }, latencyMs / 1000);
      this.records.record({ model: model.name, version: model.version, source: call.source, userId: call.userId, input: call.inputs, output: predictions, latencyMs, success: true });
      return { model: model.name, version: model.version, predictions, latencyMs, output };
    } catch (error) {
      this.metrics.inferenceFailure.inc(labels);
      const latencyMs = round(performance.now() - started);
      this.records.record({ model: model.name, version: model.version, source: call.source, userId: call.userId, input: call.inputs, output: null, latencyMs, success: false, error: (error as Error).message });
      throw error;
    }
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
