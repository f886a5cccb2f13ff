import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto, QueryBoolean, QueryInt, SortQuery } from '@app/common';
import { SLUG_PATTERN } from '../../categories/slug.js';
import { QueryMoney } from './product-fields.js';

const MAX_TAG_FILTER = 20;

export const PRODUCT_SORT_FIELDS = ['price', 'name', 'createdAt', 'stockQuantity'] as const;

export class ListProductsQueryDto extends PageQueryDto {
  @QueryInt({ min: 1, description: 'Only products of this category' }) categoryId?: number;
  @QueryMoney('Lowest price, inclusive') minPrice?: number;
  @QueryMoney('Highest price, inclusive') maxPrice?: number;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, description or SKU' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({
    type: String,
    example: 'summer-sale,clearance',
    description:
      `Tag slugs, comma-separated (or the parameter repeated), ` +
      `at most ${MAX_TAG_FILTER}: products carrying any of them`,
  })
  @IsOptional()
  // "a,b", or ?tag=a&tag=b (an array): one list of distinct slugs.
  @Transform(({ value }) =>
    typeof value === 'string' || Array.isArray(value)
      ? [
          ...new Set(
            [value]
              .flat()
              .flatMap((part) => String(part).split(','))
              .map((slug) => slug.trim()),
          ),
        ]
      : value,
  )
  @IsArray()
  @ArrayMaxSize(MAX_TAG_FILTER)
  @IsString({ each: true })
  @MaxLength(120, { each: true })
  @Matches(SLUG_PATTERN, {
    each: true,
    message: 'tag must be slugs (lower-case letters and digits joined by hyphens), comma-separated',
  })
  tag?: string[];

  @QueryBoolean('Only products with stock (true) or without (false)') inStock?: boolean;
  @QueryBoolean(
    'Admins only: active (true) or soft-deleted (false) products; everyone else always sees active products only',
  )
  isActive?: boolean;
  @SortQuery(PRODUCT_SORT_FIELDS) sort?: string;
}

/** The products of one category (always active ones). */
export class CategoryProductsQueryDto extends PageQueryDto {
  @SortQuery(PRODUCT_SORT_FIELDS) sort?: string;
}

export class LowStockQueryDto extends PageQueryDto {
  @QueryInt({ min: 0, default: 10, description: 'Products with at most this many in stock' }) threshold: number = 10;
}
