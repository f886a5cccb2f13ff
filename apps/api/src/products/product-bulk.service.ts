import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError, validateAs, type ErrorCode, type FieldError } from '@app/common';
import { classifyDbError, UnitOfWork } from '@app/database';
import type { BulkCreateProductsDto, BulkCreateResultDto, BulkFailureDto } from './dto/bulk-products.dto.js';
import { CreateProductDto } from './dto/create-product.dto.js';
import type { ProductResponseDto } from './dto/product-response.dto.js';
import { ProductsRepository } from './products.repository.js';
import { ProductsService } from './products.service.js';

/** What a database constraint failure of one row means, as the row's own failure. */
const DB_ROW_FAILURES: Record<string, { code: ErrorCode; message: string }> = {
  unique: {
    code: 'UNIQUE_VIOLATION',
    message: 'A product with the same SKU, slug or name in its category already exists',
  },
  'foreign-key': { code: 'CATEGORY_NOT_FOUND', message: 'The category does not exist' },
  check: { code: 'CONSTRAINT_VIOLATION', message: 'A value breaks a database constraint' },
};

type Row = { index: number; dto: CreateProductDto } | { index: number; failure: BulkFailureDto };

/**
 * POST /products/bulk. Rows are validated with POST /products' DTO and go through the same checks
 * and insert (ProductsService.insertChecked) inside one transaction, so each row sees the rows
 * before it (a repeated SKU is the second row's conflict). `all`: the first failure rolls
 * everything back and fails the request naming the row. `partial`: each row runs in a savepoint
 * (UnitOfWork.savepoint: a nested transaction on the unit's connection, on both engines), so a
 * failed row is rolled back alone and reported, and the rest commit together.
 */
@Injectable()
export class ProductBulkService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly products: ProductsService,
    private readonly repository: ProductsRepository,
  ) {}

  async create(dto: BulkCreateProductsDto): Promise<BulkCreateResultDto> {
    const rows = await this.checkRows(dto.products);
    if (dto.mode === 'all') {
      const first = rows.find((row) => 'failure' in row);
      if (first && 'failure' in first) throw rowError(first.failure);
    }
    // Each insert clears the cached reads, and again once this unit commits (UnitOfWork.afterCommit).
    return this.unitOfWork.run(async (manager) => {
      const created: ProductResponseDto[] = [];
      const failed: BulkFailureDto[] = [];
      for (const row of rows) {
        if ('failure' in row) {
          failed.push(row.failure);
          continue;
        }
        if (dto.mode === 'all') {
          created.push(
            await this.products
              .insertChecked(row.dto, manager)
              .catch((error: unknown) => Promise.reject(rowError(failureOf(row.index, error)))),
          );
          continue;
        }
        try {
          created.push(
            await this.unitOfWork.savepoint(manager, (savepoint) => this.products.insertChecked(row.dto, savepoint)),
          );
        } catch (error) {
          failed.push(failureOf(row.index, error));
        }
      }
      return { created, failed };
    });
  }

  /** Each row through the DTO's rules; categories checked for all rows with one query. */
  private async checkRows(plain: unknown[]): Promise<Row[]> {
    const rows: Row[] = [];
    for (const [index, value] of plain.entries()) {
      const checked = validateAs(CreateProductDto, value, `products.${index}`);
      rows.push(
        checked.ok
          ? { index, dto: checked.value }
          : {
              index,
              failure: {
                index,
                code: 'VALIDATION_FAILED',
                message: validationMessage(checked.details),
                details: checked.details,
              },
            },
      );
    }
    const categoryIds = [
      ...new Set(rows.flatMap((row) => ('dto' in row && row.dto.categoryId != null ? [row.dto.categoryId] : []))),
    ];
    const existing = await this.repository.existingCategoryIds(categoryIds);
    return rows.map((row) =>
      'dto' in row && row.dto.categoryId != null && !existing.has(row.dto.categoryId)
        ? {
            index: row.index,
            failure: failureOf(row.index, new NotFoundError('CATEGORY_NOT_FOUND', 'Category', row.dto.categoryId)),
          }
        : row,
    );
  }
}

/**
 * A row's failure from what its insert threw; anything but a row's own fault (database down, a bug) fails the request.
 */
function failureOf(index: number, error: unknown): BulkFailureDto {
  if (error instanceof DomainError && error.status !== 503) {
    return { index, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  const kind = classifyDbError(error);
  const known = kind ? DB_ROW_FAILURES[kind] : undefined;
  if (!known) throw error;
  return { index, ...known };
}

/** `all` mode: the row's failure as the request's error, naming the row (message and `index`). */
function rowError(failure: BulkFailureDto): DomainError {
  return new DomainError(failure.code, `products[${failure.index}]: ${failure.message}`, failure.details, {
    index: failure.index,
  });
}

function validationMessage(errors: FieldError[]): string {
  return errors.map((error) => `${error.field}: ${error.message}`).join('; ');
}
