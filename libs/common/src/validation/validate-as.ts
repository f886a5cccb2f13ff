import type { Type } from '@nestjs/common';
import { stripProtoKeys } from '@nestjs/common/utils/strip-proto-keys.util.js';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { ValidationFailedError, type FieldError } from '../errors/domain-error.js';
import { flattenValidationErrors } from './flatten-validation-errors.js';

/**
 * The one set of class-validator options (the global pipe is built from it too): unknown fields
 * are refused, not silently dropped, and errors carry neither the target object nor the value (a
 * 400 never echoes a password or a 16 MB input back).
 */
export const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: false,
  validationError: { target: false, value: false },
};

/** A value checked against a DTO: the typed instance, or one detail per bad field. */
export type Validated<T> = { ok: true; value: T } | { ok: false; details: FieldError[] };

/**
 * The one way a plain value becomes a DTO: prototype keys stripped (as Nest's pipe does),
 * class-transformer's @Transform/@Type applied (no implicit conversion), then the DTO's rules.
 * Detail fields are joined under `pathPrefix` (`products.3.price`, `items.0.quantity`). A value
 * that is not an object fails as a whole: field `pathPrefix` ('body' without one).
 *
 * Synchronous (no DTO has an async rule), so row-by-row callers need no promise per row. Nesting
 * depth is bounded before any value gets here: HTTP bodies and stream frames are refused on their
 * bytes beyond JSON_MAX_DEPTH (core/payload-guards.ts, StreamFrameReader), because class-transformer
 * and class-validator recurse once per level.
 */
export function validateAs<T extends object>(type: Type<T>, value: unknown, pathPrefix = ''): Validated<T> {
  if (!isObjectValue(value)) {
    return {
      ok: false,
      details: [
        {
          field: pathPrefix || 'body',
          message: pathPrefix ? 'each item must be an object' : 'body must be a JSON object',
        },
      ],
    };
  }
  stripProtoKeys(value);
  const instance = plainToInstance(type, value);
  const details = flattenValidationErrors(validateSync(instance, VALIDATOR_OPTIONS), pathPrefix);
  return details.length ? { ok: false, details } : { ok: true, value: instance };
}

/** The instance, or the contract's 400 with the details. */
export function validOrThrow<T>(result: Validated<T>): T {
  if (!result.ok) throw new ValidationFailedError(result.details);
  return result.value;
}

/** A JSON object (not an array, not binary): what a DTO can be built from. */
export function isObjectValue(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
