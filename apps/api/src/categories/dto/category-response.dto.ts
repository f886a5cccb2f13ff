import { ApiProperty } from '@nestjs/swagger';
import type { Category } from '../category.entity.js';

export class CategoryResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Electronics' }) name: string;
  @ApiProperty({ example: 'electronics' }) slug: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: Number, nullable: true }) parentId: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

export class CategoryTreeNodeDto extends CategoryResponseDto {
  @ApiProperty({ type: () => [CategoryTreeNodeDto] }) children: CategoryTreeNodeDto[];
}

export class CategoryStatsDto {
  @ApiProperty() categoryId: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Active products in the category' }) productCount: number;
  @ApiProperty({ type: String, nullable: true, example: '79.99', description: 'Mean price (rounded to the cent); null without products' }) avgPrice: string | null;
  @ApiProperty({ type: String, nullable: true, example: '9.99' }) minPrice: string | null;
  @ApiProperty({ type: String, nullable: true, example: '199.00' }) maxPrice: string | null;
}

export function toCategoryResponse(category: Category): CategoryResponseDto {
  return {
    id: category.id,
    name: category.name,
    slug: category.slug,
    description: category.description ?? null,
    parentId: category.parentId ?? null,
    createdAt: category.createdAt.toISOString(),
  };
}
