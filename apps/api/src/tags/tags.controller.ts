import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ID, PageQueryDto, type Page } from '@app/common';
import { Auth, Public } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { CreateTagDto, TagResponseDto } from './dto/tag.dto.js';
import { TagsService } from './tags.service.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

@ApiTags('tags')
@Controller('tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'List tags (by name)' })
  @ApiPageResponse(TagResponseDto)
  @ApiErrors(400)
  list(@Query() query: PageQueryDto): Promise<Page<TagResponseDto>> {
    return this.tags.list(query);
  }

  @Get(ID)
  @Public()
  @ApiOperation({ summary: 'One tag' })
  @ApiOkResponse({ type: TagResponseDto })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIntPipe) id: number): Promise<TagResponseDto> {
    return this.tags.get(id);
  }

  @Post()
  @CreatedAt('/api/v1/tags/:id')
  @Auth('admin')
  @ApiOperation({
    summary: 'Create a tag (slug derived from the name when not given); name (any case) and slug are unique',
  })
  @ApiCreatedResponse({ type: TagResponseDto })
  @ApiErrors(400, 409)
  create(@Body() dto: CreateTagDto): Promise<TagResponseDto> {
    return this.tags.create(dto);
  }

  @Delete(ID)
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({ summary: 'Delete a tag; it is removed from every product that carried it' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.tags.delete(id);
  }
}
