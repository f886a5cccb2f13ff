import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ID, PageQueryDto, type Page } from '@app/common';
import { Auth, Public } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { CategoriesService } from './categories.service.js';
import { CategoryResponseDto, CategoryTreeNodeDto } from './dto/category-response.dto.js';
import { CreateCategoryDto } from './dto/create-category.dto.js';
import { UpdateCategoryDto } from './dto/update-category.dto.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

@ApiTags('categories')
@Controller('categories')
export class CategoriesController {
  constructor(private readonly categories: CategoriesService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'List categories (by name)' })
  @ApiPageResponse(CategoryResponseDto)
  @ApiErrors(400)
  list(@Query() query: PageQueryDto): Promise<Page<CategoryResponseDto>> {
    return this.categories.list(query);
  }

  @Get('tree')
  @Public()
  @ApiOperation({ summary: 'The category hierarchy, nested' })
  @ApiOkResponse({ type: [CategoryTreeNodeDto] })
  tree(): Promise<CategoryTreeNodeDto[]> {
    return this.categories.tree();
  }

  @Get(ID)
  @Public()
  @ApiOperation({ summary: 'One category' })
  @ApiOkResponse({ type: CategoryResponseDto })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIntPipe) id: number): Promise<CategoryResponseDto> {
    return this.categories.get(id);
  }

  @Post()
  @CreatedAt('/api/v1/categories/:id')
  @Auth('admin')
  @ApiOperation({ summary: 'Create a category (slug derived from the name when not given)' })
  @ApiCreatedResponse({ type: CategoryResponseDto })
  @ApiErrors(400, 404, 409)
  create(@Body() dto: CreateCategoryDto): Promise<CategoryResponseDto> {
    return this.categories.create(dto);
  }

  @Patch(ID)
  @Auth('admin')
  @ApiOperation({ summary: 'Partial update; a category cannot become its own ancestor (400)' })
  @ApiOkResponse({ type: CategoryResponseDto })
  @ApiErrors(400, 404, 409)
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateCategoryDto): Promise<CategoryResponseDto> {
    return this.categories.update(id, dto);
  }

  @Delete(ID)
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({ summary: 'Delete; its products stay with categoryId = null, its children become top-level' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.categories.remove(id);
  }
}
