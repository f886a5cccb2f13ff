/** One bad field of a request, as the contract's `details` lists it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Coded errors that services throw; the HTTP edge maps each code to a status. */
export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** Extra top-level fields for the error body, for the few errors that carry a report. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, details?: FieldError[]) {
    super('BAD_REQUEST', message, details);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(details: FieldError[], message = 'Validation failed') {
    super('VALIDATION', message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Not authenticated') {
    super('UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, key: string | number) {
    super('NOT_FOUND', `${resource} ${typeof key === 'number' ? key : `'${key}'`} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class UnavailableError extends DomainError {
  constructor(message = 'A dependency is unavailable', extra?: Record<string, unknown>) {
    super('UNAVAILABLE', message, undefined, extra);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(message = 'Too many requests, slow down') {
    super('TOO_MANY_REQUESTS', message);
  }
}
