import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ID, type Page } from '@app/common';
import { Public } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { CategoryStatsService } from './category-stats.service.js';
import { CategoryStatsDto } from './dto/category-stats.dto.js';
import { CategoryProductsQueryDto } from './dto/list-products.query.js';
import { ProductResponseDto } from './dto/product-response.dto.js';
import { ProductsService } from './products.service.js';

/**
 * The category routes that read products (GET /categories/stats, /categories/:id/products) live
 * with products: the products module depends on categories, not the other way round.
 */
@ApiTags('categories')
@Controller('categories')
export class CategoryProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly stats: CategoryStatsService,
  ) {}

  @Get('stats')
  @Public()
  @ApiOperation({ summary: 'Per category: count and average/min/max price of its active products' })
  @ApiOkResponse({ type: [CategoryStatsDto] })
  perCategory(): Promise<CategoryStatsDto[]> {
    return this.stats.stats();
  }

  @Get(`${ID}/products`)
  @Public()
  @ApiOperation({ summary: 'The active products of a category, paginated' })
  @ApiPageResponse(ProductResponseDto)
  @ApiErrors(400, 404)
  list(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: CategoryProductsQueryDto,
  ): Promise<Page<ProductResponseDto>> {
    return this.products.listOfCategory(id, query);
  }
}
