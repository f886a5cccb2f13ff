import { Injectable } from '@nestjs/common';
import { BadRequestError, GatewayTimeoutError, NotFoundError, RetryLaterError } from '@app/common';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DeployedModel } from '../models/deployed-models.js';
import {
  AdmissionError,
  ModelRuntime,
  ResidencyError,
  TensorValueError,
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
import { ShadowMirror } from './shadow-mirror.js';

export const MAX_PREDICT_ROWS = 1024;

export type { ClassPrediction as ClassPredictionLike } from './predictions.js';

/** `shadow`: a copy of a call run on a traffic policy's shadow version (never answered). */
export type PredictionSource = 'http' | 'job' | 'stream' | 'ingest' | 'oip' | 'shadow';

/**
 * Sources a full queue refuses (and INFERENCE_DEFAULT_TIMEOUT_MS bounds): callers that can retry, and
 * shadow copies, which are best effort. Jobs and ingestion wait their turn instead of failing.
 */
const SHEDDABLE: ReadonlySet<PredictionSource> = new Set(['http', 'stream', 'oip', 'shadow']);

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

const round = (ms: number) => Math.round(ms * 1000) / 1000;

const notDeployed = (model: DeployedModel) =>
  new NotFoundError('MODEL_NOT_DEPLOYED', 'Deployed model', `${model.name}@${model.version}`);

/** A version evicted under the memory budget that could not be made resident for this call: 503, Retry-After. */
const notResident = (error: ResidencyError) =>
  new RetryLaterError(
    error.code === 'OVER_BUDGET' ? 'MODEL_OVER_MEMORY_BUDGET' : 'MODEL_NOT_RESIDENT',
    error.reason,
    error.retryAfterS,
  );

/** When the call must start by (its timeout counts from its arrival) and whether a full queue may refuse it. */
function admissionOf(call: PredictionCall): Admission {
  const receivedAt = call.receivedAt ?? performance.now();
  return {
    deadline: call.timeoutMs === undefined ? undefined : receivedAt + call.timeoutMs,
    sheddable: SHEDDABLE.has(call.source),
    receivedAt,
  };
}

/**
 * The runtime's refusal before compute as 503 (OVERLOADED, or a version it cannot make resident, with
 * Retry-After) or 504 (DEADLINE_EXCEEDED), and its refusal of tensor values as the caller's 400: inputs
 * that do not fit (TENSOR_INVALID),
 * a model /predict cannot serve (NOT_ROW_SERVABLE: several inputs, for V2), an output JSON cannot carry.
 */
async function asInferenceError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ResidencyError) throw notResident(error);
    if (error instanceof AdmissionError)
      throw error.code === 'OVERLOADED'
        ? new RetryLaterError('INFERENCE_OVERLOADED', error.reason, error.retryAfterS)
        : new GatewayTimeoutError('INFERENCE_DEADLINE_EXCEEDED', error.reason);
    if (!(error instanceof TensorValueError)) throw error;
    const code =
      error.code === 'OUTPUT_NOT_REPRESENTABLE' ? 'INFERENCE_OUTPUT_NOT_REPRESENTABLE' : 'INFERENCE_INPUT_INVALID';
    throw new BadRequestError(code, error.reason);
  }
}
