import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiPageResponse, ID, type Page } from '@app/common';
import { Auth, CurrentUser, OptionalAuth } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { BULK_PRODUCTS_MAX, BulkCreateProductsDto, BulkCreateResultDto } from './dto/bulk-products.dto.js';
import { CreateProductDto } from './dto/create-product.dto.js';
import { ListProductsQueryDto, LowStockQueryDto } from './dto/list-products.query.js';
import { ProductResponseDto } from './dto/product-response.dto.js';
import { StockDeltaDto } from './dto/stock-delta.dto.js';
import { UpdateProductDto } from './dto/update-product.dto.js';
import { SetProductTagsDto } from '../tags/dto/tag.dto.js';
import { ProductBulkService } from './product-bulk.service.js';
import { ProductTagsService } from './product-tags.service.js';
import { ProductsService } from './products.service.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

/** How fresh the catalogue reads are (ProductsRepository, ProductReadRepository). */
const KEPT_READ =
  'An answer may be reused for up to 1 s. Every write through the same instance shows at once; ' +
  "another replica's write may show up to 1 s late.";

// Fixed paths (low-stock, by-sku, by-slug) are declared before ':id', which would capture them.
// Public reads use @OptionalAuth(): an admin's token unlocks the isActive filter and inactive products.
@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly productTags: ProductTagsService,
    private readonly bulk: ProductBulkService,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'List products (filters, search, sort); isActive is honoured for admins only, others see active products',
    description: KEPT_READ,
  })
  @ApiPageResponse(ProductResponseDto)
  @ApiErrors(400)
  list(
    @Query() query: ListProductsQueryDto,
    @CurrentUser() actor: AuthUser | undefined,
  ): Promise<Page<ProductResponseDto>> {
    return this.products.list(query, actor);
  }

  @Get('low-stock')
  @Auth('admin')
  @ApiOperation({ summary: 'Active products with at most `threshold` in stock, lowest first' })
  @ApiPageResponse(ProductResponseDto)
  @ApiErrors(400)
  lowStock(@Query() query: LowStockQueryDto): Promise<Page<ProductResponseDto>> {
    return this.products.lowStock(query.threshold, query);
  }

  @Get('by-sku/:sku')
  @OptionalAuth()
  @ApiOperation({ summary: 'One product by SKU (any case), with its category', description: KEPT_READ })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiErrors(404)
  getBySku(@Param('sku') sku: string, @CurrentUser() actor: AuthUser | undefined): Promise<ProductResponseDto> {
    return this.products.getBySku(sku, actor);
  }

  @Get('by-slug/:slug')
  @OptionalAuth()
  @ApiOperation({ summary: 'One product by slug, with its category', description: KEPT_READ })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiErrors(404)
  getBySlug(@Param('slug') slug: string, @CurrentUser() actor: AuthUser | undefined): Promise<ProductResponseDto> {
    return this.products.getBySlug(slug, actor);
  }

  @Get(ID)
  @OptionalAuth()
  @ApiOperation({
    summary: 'One product with its category (a soft-deleted one for admins only)',
    description: KEPT_READ,
  })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIntPipe) id: number, @CurrentUser() actor: AuthUser | undefined): Promise<ProductResponseDto> {
    return this.products.get(id, actor);
  }

  @Post()
  @CreatedAt('/api/v1/products/:id')
  @Auth('admin')
  @ApiOperation({ summary: 'Create a product (SKU stored upper-case; slug derived from the name when not given)' })
  @ApiCreatedResponse({ type: ProductResponseDto })
  @ApiErrors(400, 404, 409)
  create(@Body() dto: CreateProductDto): Promise<ProductResponseDto> {
    return this.products.create(dto);
  }

  @Post('bulk')
  @CreatedAt('/api/v1/products')
  @Auth('admin')
  @ApiOperation({
    summary:
      `Create up to ${BULK_PRODUCTS_MAX} products in one transaction, ` +
      `all or nothing (mode all) or keeping the good rows (mode partial)`,
    description:
      'Each row is checked with the rules of POST /products, and sees the rows ' +
      'before it (a SKU repeated inside one import is a conflict of the later row). ' +
      '`all`: 201 with every product created, or the error of the first failing row (400/404/409, ' +
      '`message` starting `products[<index>]:`, `index` in the body) and nothing created. ' +
      '`partial`: each row in a savepoint; 201 when at least one row was created, ' +
      '200 when none was, with the failed rows by index, code and message. ' +
      `More than ${BULK_PRODUCTS_MAX} rows, or none, is 400.`,
  })
  @ApiCreatedResponse({
    type: BulkCreateResultDto,
    description: 'Rows were created (`all`: every row; `partial`: at least one)',
  })
  @ApiOkResponse({
    type: BulkCreateResultDto,
    description: '`partial` only: no row could be created; `failed` says why for each',
  })
  @ApiErrors(400, 404, 409)
  async createMany(
    @Body() dto: BulkCreateProductsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BulkCreateResultDto> {
    const result = await this.bulk.create(dto);
    if (result.created.length === 0) void reply.status(200);
    return result;
  }

  @Patch(`${ID}/stock`)
  @Auth('admin')
  @ApiOperation({
    summary: 'Add `delta` (may be negative) to the stock atomically; 409 when the result would be negative',
  })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiErrors(400, 404, 409)
  adjustStock(@Param('id', ParseIntPipe) id: number, @Body() dto: StockDeltaDto): Promise<ProductResponseDto> {
    return this.products.adjustStock(id, dto.delta);
  }

  @Put(`${ID}/tags`)
  @Auth('admin')
  @ApiOperation({
    summary:
      "Replace the product's tags with `tagIds` in one transaction ([] clears " +
      'them; a repeated id counts once); an unknown tag is 404 and changes nothing',
  })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiErrors(400, 404)
  setTags(@Param('id', ParseIntPipe) id: number, @Body() dto: SetProductTagsDto): Promise<ProductResponseDto> {
    return this.productTags.setTags(id, dto.tagIds);
  }

  @Patch(ID)
  @Auth('admin')
  @ApiOperation({ summary: 'Partial update' })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiErrors(400, 404, 409)
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateProductDto): Promise<ProductResponseDto> {
    return this.products.update(id, dto);
  }

  @Delete(ID)
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({ summary: 'Soft delete: isActive=false; the product stays for past orders' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.products.deactivate(id);
  }
}
