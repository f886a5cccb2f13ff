import { ERROR_CODES, type ErrorCode, type ErrorCodeWithStatus } from './error-codes.js';

/** One bad field of a request, as the contract's `details` lists it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Coded errors that services throw; the code (from the catalogue, error-codes.ts) gives the status. */
export class DomainError extends Error {
  /** The HTTP status of the code, as the catalogue gives it. */
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** Extra top-level fields for the error body, for the few errors that carry a report. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
    this.status = ERROR_CODES[code].status;
  }
}

// The subclasses narrow the code to the codes of their status, so a 404 class cannot carry a 409 code.

export class BadRequestError extends DomainError {
  constructor(code: ErrorCodeWithStatus<400>, message: string, details?: FieldError[]) {
    super(code, message, details);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(
    details: FieldError[],
    message = 'Validation failed',
    code: ErrorCodeWithStatus<400> = 'VALIDATION_FAILED',
  ) {
    super(code, message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(code: ErrorCodeWithStatus<401>, message = 'Not authenticated') {
    super(code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: ErrorCodeWithStatus<403>, message = 'Not allowed') {
    super(code, message);
  }
}

export class NotFoundError extends DomainError {
  constructor(code: ErrorCodeWithStatus<404>, resource: string, key: string | number) {
    super(code, `${resource} ${typeof key === 'number' ? key : `'${key}'`} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: ErrorCodeWithStatus<409>, message: string) {
    super(code, message);
  }
}

export class UnavailableError extends DomainError {
  constructor(
    code: ErrorCodeWithStatus<503>,
    message = 'A dependency is unavailable',
    extra?: Record<string, unknown>,
  ) {
    super(code, message, undefined, extra);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(code: ErrorCodeWithStatus<429>, message = 'Too many requests, slow down') {
    super(code, message);
  }
}

/**
 * A 503 the caller should retry after `retryAfterS` seconds (the HTTP filters send it as Retry-After):
 * the server refused the request before doing any of its work.
 */
export class RetryLaterError extends DomainError {
  constructor(
    code: ErrorCodeWithStatus<503>,
    message: string,
    readonly retryAfterS: number,
  ) {
    super(code, message);
  }
}

export class GatewayTimeoutError extends DomainError {
  constructor(code: ErrorCodeWithStatus<504>, message: string) {
    super(code, message);
  }
}
