import { Injectable } from '@nestjs/common';
import type { DeployedModel } from '../models/deployed-models.js';
import type { AdmissionRefusal } from '@app/inference';
import { ModelRuntime, modelKey } from '../models/model-runtime.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ModelVersionResolver } from '../models/serving/model-version-resolver.js';
import { InferenceRecordWriter } from './records/inference-record.writer.js';
import { admissionOf, refusalAnswer, type RefusalAnswer } from './runtime-refusals.js';
import type { PredictionSource } from './inference.service.js';

export interface ArrivingCall {
  name: string;
  /** The version the route names (V2's versions route); absent when only the body can name one. */
  version?: string;
  timeoutMs?: number;
  /** V2 states its deadline in the body (`parameters.timeout`): only a full queue refuses it unread. */
  deadlineInBody?: boolean;
  receivedAt: number;
  source: Extract<PredictionSource, 'http' | 'oip'>;
}

/** What the queue of the first version a call may run on would answer it. */
export interface QueueRefusal {
  model: DeployedModel;
  refusal: AdmissionRefusal;
}

/**
 * The queue's answer to a model call before its body is read. Under overload most calls are refused
 * by the version's queue (full, or the expected wait passes the deadline), and reading, parsing,
 * authorising and validating each of them first is what saturates the HTTP thread. When every
 * version the call may run on would refuse a 1-row call now, the same 503 INFERENCE_OVERLOADED (same
 * message, Retry-After) is returned here, as data for the edge to answer, counted in
 * inference_requests_shed_total and recorded like the queue's own refusal (no input was read: the
 * record's input hash is that of `null`). A call any version might admit, or a name or version not
 * served here, goes on to decide for itself.
 */
@Injectable()
export class EarlyRefusal {
  constructor(
    private readonly resolver: ModelVersionResolver,
    private readonly runtime: ModelRuntime,
    private readonly metrics: MetricsService,
    private readonly records: InferenceRecordWriter,
  ) {}

  /** The refusal the call would get if every version it may run on would refuse it; undefined otherwise. */
  refusalOf(call: ArrivingCall): QueueRefusal | undefined {
    const candidates = this.resolver.candidates(call.name, call.version);
    const admission = call.deadlineInBody ? { ...admissionOf(call), deadline: Infinity } : admissionOf(call);
    let first: QueueRefusal | undefined;
    for (const model of candidates) {
      const refusal = this.runtime.refusalFor(modelKey(model.name, model.version), 1, admission);
      if (!refusal) return undefined;
      first ??= { model, refusal };
    }
    return first;
  }

  /** Counts and records `refused` like the queue's own refusal of `userId`'s call; its answer, for the edge. */
  refuse(call: ArrivingCall, { model, refusal }: QueueRefusal, userId: number): RefusalAnswer {
    const labels = { model: model.name, version: model.version };
    this.metrics.inferenceShed.inc({ ...labels, reason: refusal.code.toLowerCase() });
    this.metrics.inferenceFailure.inc({ ...labels, source: call.source });
    const record = { ...labels, source: call.source, userId, input: null, output: null };
    this.records.record({ ...record, latencyMs: 0, success: false, error: refusal.reason });
    return refusalAnswer(refusal);
  }
}
