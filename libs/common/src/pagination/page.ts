import { applyDecorators, type Type as ClassType } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { QueryInt } from '../validation/decorators.js';

/**
 * The highest page: offsets stay far inside Number.MAX_SAFE_INTEGER and every database's OFFSET
 * (10 000 000 × 100 = 1e9 rows), and a page beyond it is a 400, never a query.
 */
export const MAX_PAGE = 10_000_000;

export class PageQueryDto {
  @QueryInt({ min: 1, max: MAX_PAGE, default: 1, description: `Page number, 1..${MAX_PAGE}` })
  page: number = 1;

  @QueryInt({ min: 1, max: 100, default: 20, description: 'Items per page, 1..100' })
  pageSize: number = 20;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
  hasNext: boolean;
  hasPrevious: boolean;
}

export function pageOffset(query: PageQueryDto): { skip: number; take: number } {
  return { skip: (query.page - 1) * query.pageSize, take: query.pageSize };
}

export function toPage<T>(items: T[], total: number, query: PageQueryDto): Page<T> {
  const totalPages = Math.ceil(total / query.pageSize);
  return {
    items,
    total,
    page: query.page,
    pageSize: query.pageSize,
    totalPages,
    hasNext: query.page < totalPages,
    hasPrevious: query.page > 1,
  };
}

export class PageMetaDto {
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() totalPages: number;
  @ApiProperty() hasNext: boolean;
  @ApiProperty() hasPrevious: boolean;
}

/** Documents a paginated envelope of `item` in Swagger. */
export function ApiPageResponse(item: ClassType<unknown>, description = 'A page of results'): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(PageMetaDto, item),
    ApiOkResponse({
      description,
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageMetaDto) },
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(item) } } },
          },
        ],
      },
    }),
  );
}
