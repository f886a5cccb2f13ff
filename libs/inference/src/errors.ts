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

/** Thrown by `predict` when the input does not fit the model (wrong length, NaN/Infinity, bad row count). */
export class PredictInputError extends Error {
  override readonly name = 'PredictInputError';

  constructor(
    readonly reason: string,
    /** Zero-based row the problem was found in, when it concerns one row. */
    readonly row?: number,
  ) {
    super(reason);
  }
}

/** Thrown when a key has no loaded model (not loaded yet, or unloaded). */
export class ModelNotLoadedError extends Error {
  override readonly name = 'ModelNotLoadedError';

  constructor(readonly key: string) {
    super(`Model '${key}' is not loaded`);
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
