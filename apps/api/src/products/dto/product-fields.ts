import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { isMoneyInput, MoneyField, toCents } from '@app/common';

/** DECIMAL(10,2) holds at most 99 999 999.99. */
export const MAX_PRICE_CENTS = 9_999_999_999;
export const MAX_STOCK = 1_000_000_000;

const optional = (required: boolean) => (required ? [] : [IsOptional()]);
const doc = (required: boolean, options: Parameters<typeof ApiProperty>[0]) =>
  required ? ApiProperty(options) : ApiPropertyOptional(options);

export const ProductNameField = (required = true) =>
  applyDecorators(
    doc(required, { example: 'Wireless Mouse', minLength: 1, maxLength: 200 }),
    ...optional(required),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsString(),
    Length(1, 200),
  );

/** Letters, digits and hyphens; stored upper-case. */
export const SkuField = (required = true) =>
  applyDecorators(
    doc(required, {
      example: 'WM-1001',
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9-]+$',
      description: 'Letters, digits and hyphens; stored upper-case',
    }),
    ...optional(required),
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)),
    IsString(),
    Length(1, 64),
    Matches(/^[A-Z0-9-]+$/, { message: 'sku may contain only letters, digits and hyphens' }),
  );

/** A price: > 0 and within DECIMAL(10,2); in cents after validation. */
export const PriceField = (required = true) =>
  applyDecorators(
    MoneyField({ min: 1, optional: !required, description: 'Decimal with at most two places, greater than 0' }),
    Max(MAX_PRICE_CENTS, { message: 'price must be at most 99999999.99' }),
  );

// Request fields state their defaults in words: an OpenAPI `default` makes generated clients
// (openapi-typescript) type the field as required.
export const StockField = () =>
  applyDecorators(
    ApiPropertyOptional({ type: Number, minimum: 0, maximum: MAX_STOCK, description: 'On create, 0 when left out' }),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(MAX_STOCK),
  );

export const ActiveField = () =>
  applyDecorators(
    ApiPropertyOptional({ type: Boolean, description: 'On create, true when left out' }),
    IsOptional(),
    IsBoolean(),
  );

/** A money bound in a query string (`minPrice=10.50`), in cents after validation. */
export const QueryMoney = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: String, example: '10.00', description }),
    IsOptional(),
    Transform(({ value }) => (isMoneyInput(value) ? toCents(value) : value)),
    IsInt({ message: ({ property }) => `${property} must be a decimal number with at most two places` }),
    Min(0),
  );
