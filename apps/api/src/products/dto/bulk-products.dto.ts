import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn } from 'class-validator';
import { ERROR_CODE_NAMES, FieldErrorDto, type ErrorCode } from '@app/common';
import { CreateProductDto } from './create-product.dto.js';
import { ProductResponseDto } from './product-response.dto.js';

export const BULK_PRODUCTS_MAX = 1_000;
export const BULK_MODES = ['all', 'partial'] as const;
export type BulkMode = (typeof BULK_MODES)[number];

export class BulkCreateProductsDto {
  @ApiProperty({
    enum: BULK_MODES,
    description:
      '`all`: one transaction, any failing row fails the request and creates nothing. ' +
      '`partial`: each row in its own savepoint; good rows are kept, failed ones reported',
  })
  @IsIn(BULK_MODES)
  mode: BulkMode;

  /**
   * Each row is checked with POST /products' rules by the service,
   * so `partial` can report it instead of failing the request.
   */
  @ApiProperty({
    type: [CreateProductDto],
    minItems: 1,
    maxItems: BULK_PRODUCTS_MAX,
    description: `1..${BULK_PRODUCTS_MAX} products, each as POST /products takes it`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_PRODUCTS_MAX)
  products: unknown[];
}

export class BulkFailureDto {
  @ApiProperty({ description: "The row's position in `products`, from 0" }) index: number;
  @ApiProperty({
    example: 'PRODUCT_SKU_TAKEN',
    enum: ERROR_CODE_NAMES,
    enumName: 'ErrorCode',
    description: 'The code POST /products would have answered for this row (see ErrorBodyDto.code)',
  })
  code: ErrorCode;
  @ApiProperty({ example: "SKU 'WM-1001' is already taken" }) message: string;
  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Validation failures, fields as `products.<index>.<field>`',
  })
  details?: FieldErrorDto[];
}

export class BulkCreateResultDto {
  @ApiProperty({ type: [ProductResponseDto], description: 'Created products, in request order' })
  created: ProductResponseDto[];
  @ApiProperty({
    type: [BulkFailureDto],
    description: 'Rows not created (always empty in `all` mode, which fails whole instead)',
  })
  failed: BulkFailureDto[];
}
