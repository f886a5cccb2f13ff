import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateIf } from 'class-validator';
import { SLUG_PATTERN } from '../slug.js';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export const CategoryNameField = (required = true) =>
  applyDecorators(
    required
      ? ApiProperty({ example: 'Electronics', minLength: 1, maxLength: 100 })
      : ApiPropertyOptional({ example: 'Electronics', minLength: 1, maxLength: 100 }),
    ...(required ? [] : [IsOptional()]),
    trim,
    IsString(),
    Length(1, 100),
  );

export const SlugField = (maxLength: number) =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'home-garden',
      maxLength,
      pattern: SLUG_PATTERN.source,
      description: 'Derived from the name when not given',
    }),
    IsOptional(),
    IsString(),
    MaxLength(maxLength),
    Matches(SLUG_PATTERN, { message: 'slug may contain only lower-case letters and digits joined by hyphens' }),
  );

export const DescriptionField = () =>
  applyDecorators(
    ApiPropertyOptional({ type: String, maxLength: 5000, nullable: true }),
    IsOptional(),
    IsString(),
    MaxLength(5000),
  );

/** An optional reference to another row by id; `null` clears it. */
export const OptionalIdField = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, description }),
    ValidateIf((_, value) => value !== null && value !== undefined),
    IsInt(),
    Min(1),
  );
