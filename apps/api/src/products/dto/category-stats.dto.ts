import { ApiProperty } from '@nestjs/swagger';

/** GET /categories/stats: a category with the price figures of its active products. */
export class CategoryStatsDto {
  @ApiProperty() categoryId: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Active products in the category' }) productCount: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '79.99',
    description: 'Mean price (rounded to the cent); null without products',
  })
  avgPrice: string | null;
  @ApiProperty({ type: String, nullable: true, example: '9.99' }) minPrice: string | null;
  @ApiProperty({ type: String, nullable: true, example: '199.00' }) maxPrice: string | null;
}
