import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, type Page } from '@app/common';
import { Public } from '../auth-metadata/auth.decorators.js';
import { ApiErrors } from '../core/api-docs.decorators.js';
import { CategoryProductsQueryDto } from './dto/list-products.query.js';
import { ProductResponseDto } from './dto/product-response.dto.js';
import { ProductsService } from './products.service.js';

/**
 * GET /categories/:id/products lives with products: the products module depends on categories,
 * not the other way round, so there is no module cycle.
 */
@ApiTags('categories')
@Controller('categories')
export class CategoryProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get(':id/products')
  @Public()
  @ApiOperation({ summary: 'The active products of a category, paginated' })
  @ApiPageResponse(ProductResponseDto)
  @ApiErrors(400, 404)
  list(@Param('id', ParseIntPipe) id: number, @Query() query: CategoryProductsQueryDto): Promise<Page<ProductResponseDto>> {
    return this.products.listOfCategory(id, query);
  }
}
