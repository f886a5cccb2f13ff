import { BadRequestError, GatewayTimeoutError, RetryLaterError } from '@app/common';
import type { AdmissionRefusal } from '@app/inference';
import { AdmissionError, ResidencyError, TensorValueError, type Admission } from '../models/model-runtime.js';

/*
 * How the inference service states a call's admission to the runtime, and maps the runtime's
 * refusals to the API's errors.
 */

/**
 * Sources a full queue refuses (and INFERENCE_DEFAULT_TIMEOUT_MS bounds): callers that can retry, and
 * shadow copies, which are best effort. Jobs and ingestion wait their turn instead of failing.
 */
const SHEDDABLE: ReadonlySet<string> = new Set(['http', 'stream', 'oip', 'shadow']);

/** A version evicted under the memory budget that could not be made resident for this call: 503, Retry-After. */
const notResident = (error: ResidencyError) =>
  new RetryLaterError(
    error.code === 'OVER_BUDGET' ? 'MODEL_OVER_MEMORY_BUDGET' : 'MODEL_NOT_RESIDENT',
    error.reason,
    error.retryAfterS,
  );

/** When the call must start by (its timeout counts from its arrival) and whether a full queue may refuse it. */
export function admissionOf(call: { source: string; timeoutMs?: number; receivedAt?: number }): Admission {
  const receivedAt = call.receivedAt ?? performance.now();
  return {
    deadline: call.timeoutMs === undefined ? undefined : receivedAt + call.timeoutMs,
    sheddable: SHEDDABLE.has(call.source),
    receivedAt,
  };
}

/** A queue's refusal as the API answers it, as data (AdmissionRefusal says why no Error). */
export type RefusalAnswer =
  | { status: 503; code: 'INFERENCE_OVERLOADED'; message: string; retryAfterS: number }
  | { status: 504; code: 'INFERENCE_DEADLINE_EXCEEDED'; message: string };

/** A queue's refusal: 503 INFERENCE_OVERLOADED with Retry-After, or 504 INFERENCE_DEADLINE_EXCEEDED. */
export const refusalAnswer = (refusal: AdmissionRefusal): RefusalAnswer =>
  refusal.code === 'OVERLOADED'
    ? { status: 503, code: 'INFERENCE_OVERLOADED', message: refusal.reason, retryAfterS: refusal.retryAfterS }
    : { status: 504, code: 'INFERENCE_DEADLINE_EXCEEDED', message: refusal.reason };

/** The same refusal as the error the exception filters answer. */
export function admissionRefusal(refusal: AdmissionRefusal): RetryLaterError | GatewayTimeoutError {
  const answer = refusalAnswer(refusal);
  return answer.status === 503
    ? new RetryLaterError(answer.code, answer.message, answer.retryAfterS)
    : new GatewayTimeoutError(answer.code, answer.message);
}

/**
 * The runtime's refusal before compute as 503 (OVERLOADED, or a version it cannot make resident, with
 * Retry-After) or 504 (DEADLINE_EXCEEDED), and its refusal of tensor values as the caller's 400: inputs
 * that do not fit (TENSOR_INVALID),
 * a model /predict cannot serve (NOT_ROW_SERVABLE: several inputs, for V2), an output JSON cannot carry.
 */
export async function asInferenceError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ResidencyError) throw notResident(error);
    if (error instanceof AdmissionError) throw admissionRefusal(error);
    if (!(error instanceof TensorValueError)) throw error;
    const code =
      error.code === 'OUTPUT_NOT_REPRESENTABLE' ? 'INFERENCE_OUTPUT_NOT_REPRESENTABLE' : 'INFERENCE_INPUT_INVALID';
    throw new BadRequestError(code, error.reason);
  }
}
