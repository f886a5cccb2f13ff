import type { ValidationError } from 'class-validator';
import type { FieldError } from '../errors/domain-error.js';

/** Turns class-validator's tree into one entry per bad field, nested paths joined with dots. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const flat: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) flat.push({ field, message: messages.join('; ') });
    if (error.children?.length) flat.push(...flattenValidationErrors(error.children, field));
  }
  return flat;
}
