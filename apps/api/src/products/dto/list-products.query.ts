import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto, QueryBoolean, QueryInt, SortQuery } from '@app/common';
import { QueryMoney } from './product-fields.js';

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

  @QueryBoolean('Only products with stock (true) or without (false)') inStock?: boolean;
  @QueryBoolean('Admins only: active (true) or soft-deleted (false) products; everyone else always sees active products only') isActive?: boolean;
  @SortQuery(PRODUCT_SORT_FIELDS) sort?: string;
}

/** The products of one category (always active ones). */
export class CategoryProductsQueryDto extends PageQueryDto {
  @SortQuery(PRODUCT_SORT_FIELDS) sort?: string;
}

export class LowStockQueryDto extends PageQueryDto {
  @QueryInt({ min: 0, default: 10, description: 'Products with at most this many in stock' }) threshold: number = 10;
}
