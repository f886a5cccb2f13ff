import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FieldError } from '../errors/domain-error.js';
import { flattenValidationErrors } from './flatten-validation-errors.js';

/**
 * One item of a list body, checked with the global pipe's rules (unknown fields refused,
 * transforms applied), its details addressed under `prefix` (`products.3.price`). Either the
 * transformed item or its field errors.
 */
export async function validateItem<T extends object>(type: Type<T>, plain: unknown, prefix: string): Promise<{ item: T } | { errors: FieldError[] }> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return { errors: [{ field: prefix, message: 'each item must be an object' }] };
  const item = plainToInstance(type, plain);
  const errors = await validate(item, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  return errors.length === 0 ? { item } : { errors: flattenValidationErrors(errors, prefix) };
}
