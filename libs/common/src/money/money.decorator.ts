import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min, ValidateIf } from 'class-validator';
import { isMoneyInput, toCents } from './money.js';

/**
 * A money field in a request: a number or numeric string with at most two decimals, converted to
 * integer cents before validation. `min` is in cents.
 */
export function MoneyField(
  options: { min?: number; optional?: boolean; description?: string } = {},
): PropertyDecorator {
  const api = {
    oneOf: [
      { type: 'string', example: '79.99' },
      { type: 'number', example: 79.99 },
    ],
    description: options.description ?? 'Decimal with at most two places',
  };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(api) : ApiProperty(api),
    ...(options.optional ? [IsOptional()] : []),
    Transform(({ value }) => (isMoneyInput(value) ? toCents(value) : value)),
    ValidateIf((_, value) => !options.optional || value !== undefined),
    IsInt({ message: ({ property }) => `${property} must be a decimal number with at most two places` }),
    Min(options.min ?? 0, {
      message: ({ property, constraints }) => `${property} must be at least ${(constraints[0] as number) / 100}`,
    }),
  );
}
