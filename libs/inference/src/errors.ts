/** Why an artifact could not be loaded; stable codes the API can map or log. */
export type ModelLoadErrorCode =
  | 'MODEL_JSON_MISSING'
  | 'BAD_JSON'
  | 'BAD_MODEL_JSON'
  | 'UNKNOWN_FORMAT'
  | 'WEIGHTS_MISSING'
  | 'WEIGHTS_SIZE_MISMATCH'
  | 'UNSAFE_PATH'
  | 'UNSUPPORTED_MODEL'
  | 'INPUT_SHAPE_MISMATCH'
  | 'INVALID_MODEL'
  | 'WARMUP_FAILED'
  | 'LOAD_TIMEOUT'
  | 'WARMUP_TIMEOUT';

/**
 * Thrown by the loader when an artifact does not load. `reason` is a human sentence that is safe to
 * show to the uploader (no stack, no absolute paths beyond the file names of the artifact).
 */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';

  constructor(
    readonly code: ModelLoadErrorCode,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** Thrown by selectBackend when the caller forces a backend that cannot start here. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';

  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`Backend '${backend}' is not available: ${reason}`);
  }
}

/** Text of any thrown value, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs `fn` and turns any TF.js error into a ModelLoadError with `code` and that message's first line. */
export async function asLoadError<T>(
  code: 'INVALID_MODEL' | 'WARMUP_FAILED',
  prefix: string,
  fn: () => Promise<T> | T,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw new ModelLoadError(code, `${prefix}: ${messageOf(error).split('\n')[0]}`, { cause: error });
  }
}

/**
 * A tensor value that cannot cross between JSON and the model: a V2 input of the wrong kind or range
 * (TENSOR_INVALID, the caller's fault: a 400), or an output JSON cannot carry exactly
 * (OUTPUT_NOT_REPRESENTABLE, e.g. an int64 beyond 2^53).
 */
export class TensorValueError extends Error {
  override readonly name = 'TensorValueError';

  constructor(
    readonly code: 'TENSOR_INVALID' | 'OUTPUT_NOT_REPRESENTABLE' | 'NOT_ROW_SERVABLE',
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * A version that is registered but not resident could not be made resident for this call:
 * OVER_BUDGET (it does not fit the memory budget even after evicting every idle version),
 * LOAD_WAIT_EXCEEDED (its load did not finish within the call's wait), LOAD_FAILED (the reload
 * failed). Transient for the caller: `retryAfterS` is the suggested wait.
 */
export class ResidencyError extends Error {
  override readonly name = 'ResidencyError';

  constructor(
    readonly code: 'OVER_BUDGET' | 'LOAD_WAIT_EXCEEDED' | 'LOAD_FAILED',
    readonly reason: string,
    readonly retryAfterS = 1,
  ) {
    super(reason);
  }
}

/**
 * A queue's refusal as plain data: what AdmissionError carries, without an Error's stack trace. The
 * refusal of a call not yet queued (Batcher.refusalFor) is answered at the edge, under overload, for
 * most calls: capturing a stack for each was measurable there.
 */
export interface AdmissionRefusal {
  readonly code: 'OVERLOADED' | 'DEADLINE_EXCEEDED';
  readonly reason: string;
  readonly retryAfterS: number;
}

/**
 * A request the version's queue would not run: OVERLOADED when it cannot start within its deadline
 * (the queue is full, or the wait expected from observed compute time is longer), DEADLINE_EXCEEDED
 * when its deadline passed while it waited. Neither reached the model. `retryAfterS` is the wait
 * the queue expects before it has room.
 */
export class AdmissionError extends Error implements AdmissionRefusal {
  override readonly name = 'AdmissionError';

  constructor(
    readonly code: 'OVERLOADED' | 'DEADLINE_EXCEEDED',
    readonly reason: string,
    readonly retryAfterS: number,
  ) {
    super(reason);
  }
}
