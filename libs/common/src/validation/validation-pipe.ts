import { ValidationPipe } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-error.js';
import { flattenValidationErrors } from './flatten-validation-errors.js';

/** The one ValidationPipe of the app: whitelist, refuse unknown fields, transform, per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
