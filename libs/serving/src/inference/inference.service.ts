import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { DriftMonitor } from '../drift/drift-monitor.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DeployedModel } from '../models/deployed-models.js';
import {
  ModelRuntime,
  type Admission,
  type NamedInput,
  type NamedOutput,
  type PredictOutput,
} from '../models/model-runtime.js';
import { ModelVersionResolver } from '../models/serving/model-version-resolver.js';
import { TrafficStats } from '../models/serving/traffic-stats.js';
import { packRows, type PackedRows } from './input-rows.js';
import { InferenceRecordWriter } from './records/inference-record.writer.js';
import { toPredictions, type Prediction } from './predictions.js';
import { admissionOf, asInferenceError } from './runtime-refusals.js';
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
  /** The caller's deadline in ms (X-Request-Timeout-Ms, V2 `parameters.timeout`, a frame's timeoutMs). */
  timeoutMs?: number;
  /**
   * performance.now() when the request reached the server: deadlines count from it, so time spent
   * waiting for the HTTP thread counts too. Now when unset.
   */
  receivedAt?: number;
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

/** A V2 call: `named` gives the feeds of a version that takes named tensors, undefined for another. */
export interface TensorCall extends PredictionCall {
  named: (model: DeployedModel) => NamedInput[] | undefined;
}

/** A run of named tensors (an ONNX version over V2): the model's own outputs. */
export interface NamedTensorResult {
  model: string;
  version: string;
  tensors: NamedOutput[];
  latencyMs: number;
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
    private readonly drift: DriftMonitor,
  ) {}

  async predict(call: PredictionCall): Promise<PredictionResult> {
    const { output: _output, ...result } = await this.predictWithOutput(call);
    return result;
  }

  /** The one inference path (predict, jobs, stream, ingestion, V2): resolve, pack, run, map, log. */
  async predictWithOutput(call: PredictionCall): Promise<TensorPredictionResult> {
    const admission = admissionOf(call);
    const { model, shadows } = this.route(call);
    return this.rowsOn(call, model, shadows, admission);
  }

  /**
   * V2: the same path, where a version that takes named tensors (ONNX; `named` answers its feeds)
   * runs them as they are, and any other version (TF.js) takes the packed rows. Shadows get a copy
   * through this same choice.
   */
  async predictTensors(call: TensorCall): Promise<TensorPredictionResult | NamedTensorResult> {
    const admission = admissionOf(call);
    const { model, shadows } = this.route(call);
    const named = call.named(model);
    if (!named) return this.rowsOn(call, model, shadows, admission);
    return this.logged(call, model, async () => {
      const tensors = await asInferenceError(() => this.runtime.infer(model.key, named, admission));
      if (!tensors) throw notDeployed(model);
      observeNamed(this.drift, model, named);
      for (const shadow of shadows) this.shadows.submit(model.name, () => this.shadowTensors(call, shadow));
      return { logged: tensors, result: { model: model.name, version: model.version, tensors } };
    });
  }

  private route(call: PredictionCall): { model: DeployedModel; shadows: DeployedModel[] } {
    return call.model
      ? { model: call.model, shadows: [] }
      : this.resolver.resolve(call.name, call.version, call.caller);
  }

  private rowsOn(call: PredictionCall, model: DeployedModel, shadows: DeployedModel[], admission: Admission) {
    return this.logged(call, model, async () => {
      const packed = call.packed
        ? call.packed(model)
        : packRows(
            call.inputs,
            { inputShape: model.info.inputShape, featureNames: model.featureNames },
            call.maxRows ?? MAX_PREDICT_ROWS,
          );
      const { data, rows } = packed;
      const output = await asInferenceError(() => this.runtime.predict(model.key, data, rows, admission));
      // Undeployed between resolve and run: answer as if it had never been there.
      if (!output) throw notDeployed(model);
      this.drift.observe(model.name, model.version, data, rows);
      const predictions = toPredictions(model, output, rows);
      for (const shadow of shadows) this.mirror(call, model, shadow, packed, output);
      return { logged: predictions, result: { model: model.name, version: model.version, predictions, output } };
    });
  }

  /** Runs `work` on `model` with what every call gets: metrics, the inference record, the served count. */
  private async logged<T extends object>(
    call: PredictionCall,
    model: DeployedModel,
    work: () => Promise<{ logged: unknown; result: T }>,
  ): Promise<T & { latencyMs: number }> {
    const started = performance.now();
    const labels = { model: model.name, version: model.version, source: call.source };
    const record = { model: model.name, version: model.version, source: call.source, userId: call.userId };
    try {
      const { logged, result } = await work();
      const latencyMs = round(performance.now() - started);
      this.metrics.inferenceSuccess.inc(labels);
      this.metrics.inferenceDuration.observe({ model: model.name, version: model.version }, latencyMs / 1000);
      this.records.record({ ...record, input: call.inputs, output: logged, latencyMs, success: true });
      if (call.source !== 'shadow') this.stats.countServed(model);
      return { ...result, latencyMs };
    } catch (error) {
      this.metrics.inferenceFailure.inc(labels);
      const latencyMs = round(performance.now() - started);
      const message = (error as Error).message;
      this.records.record({ ...record, input: call.inputs, output: null, latencyMs, success: false, error: message });
      throw error;
    }
  }

  /** A V2 call's copy on a shadow version (named tensors or rows, whichever it takes); never answered. */
  private async shadowTensors(call: TensorCall, shadow: DeployedModel): Promise<void> {
    await this.predictTensors({ ...call, source: 'shadow', model: shadow });
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

/**
 * A version fed one numeric tensor of whole rows (an ONNX model over V2) is watched for drift like
 * rows; the runtime has just accepted its values for the model's type, so they are numbers.
 */
function observeNamed(drift: DriftMonitor, model: DeployedModel, named: NamedInput[]): void {
  const [input] = named;
  const rowSize = model.info.inputShape.reduce((product, size) => product * size, 1);
  if (named.length !== 1 || typeof input.data[0] !== 'number' || input.data.length % rowSize !== 0) return;
  drift.observe(model.name, model.version, input.data as ArrayLike<number>, input.data.length / rowSize);
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

const notDeployed = (model: DeployedModel) =>
  new NotFoundError('MODEL_NOT_DEPLOYED', 'Deployed model', `${model.name}@${model.version}`);
