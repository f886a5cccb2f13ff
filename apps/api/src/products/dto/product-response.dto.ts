import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { centsToDecimalString } from '@app/common';
import { CategoryResponseDto, toCategoryResponse } from '../../categories/dto/category-response.dto.js';
import { TagSummaryDto } from '../../tags/dto/tag.dto.js';
import type { Product } from '../product.entity.js';

export class ProductResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Wireless Mouse' }) name: string;
  @ApiProperty({ example: 'wireless-mouse' }) slug: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ example: '79.99', description: 'Decimal string with two places' }) price: string;
  @ApiProperty({ example: 'WM-1001' }) sku: string;
  @ApiProperty() stockQuantity: number;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ type: Number, nullable: true }) categoryId: number | null;
  // OpenAPI 3.0's `nullable` beside a $ref does not admit null (3.0.3), so null is its own branch.
  @ApiPropertyOptional({
    oneOf: [{ $ref: getSchemaPath(CategoryResponseDto) }, { type: 'object', nullable: true, enum: [null] }],
    description: 'On single-product routes; null without a category',
  })
  category?: CategoryResponseDto | null;
  @ApiProperty({ type: [TagSummaryDto], description: 'Sorted by name' }) tags: TagSummaryDto[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export function toProductResponse(product: Product): ProductResponseDto {
  const response: ProductResponseDto = {
    id: product.id,
    name: product.name,
    slug: product.slug,
    description: product.description ?? null,
    price: centsToDecimalString(product.price),
    sku: product.sku,
    stockQuantity: product.stockQuantity,
    isActive: Boolean(product.isActive),
    categoryId: product.categoryId ?? null,
    tags: product.tags ?? [],
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
  if (product.category !== undefined)
    response.category = product.category ? toCategoryResponse(product.category) : null;
  return response;
}
