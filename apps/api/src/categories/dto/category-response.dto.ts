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
