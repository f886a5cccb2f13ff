import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * Validation and Swagger decorators combined once, so DTOs say each rule in one line.
 * Query strings arrive as text: these convert before validating.
 */
export function QueryBoolean(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: Boolean, description }),
    IsOptional(),
    Transform(({ value }) =>
      value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value,
    ),
    IsBoolean(),
  );
}

/**
 * Plain decimal integers only: `Number()` would also read `1e5`, `0x10`, `  7 ` and `''` (as 0),
 * and turn 20 digits into an imprecise 1e20. Anything else stays a string and fails IsInt (400).
 */
const DECIMAL_INTEGER = /^[+-]?\d{1,15}$/;
const toQueryInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value;

export function QueryInt(
  options: { min?: number; max?: number; default?: number; description?: string } = {},
): PropertyDecorator {
  const decorators = [
    ApiPropertyOptional({
      type: Number,
      minimum: options.min,
      maximum: options.max,
      default: options.default,
      description: options.description,
    }),
    IsOptional(),
    Transform(toQueryInteger),
    IsInt({ message: ({ property }) => `${property} must be a decimal integer` }),
  ];
  if (options.min !== undefined) decorators.push(Min(options.min));
  if (options.max !== undefined) decorators.push(Max(options.max));
  return applyDecorators(...decorators);
}

/** `sort=field` or `sort=-field`, restricted to the given fields. */
export function SortQuery(fields: readonly string[]): PropertyDecorator {
  const allowed = [...fields, ...fields.map((field) => `-${field}`)];
  return applyDecorators(
    ApiPropertyOptional({ enum: allowed, description: 'Field to sort by; a leading "-" sorts descending' }),
    IsOptional(),
    IsIn(allowed, { message: `sort must be one of: ${allowed.join(', ')}` }),
  );
}

export interface SortOrder {
  field: string;
  direction: 'ASC' | 'DESC';
}

export function parseSort(sort: string | undefined, fallback: SortOrder): SortOrder {
  if (!sort) return fallback;
  return sort.startsWith('-') ? { field: sort.slice(1), direction: 'DESC' } : { field: sort, direction: 'ASC' };
}
