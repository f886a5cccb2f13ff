import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const MAX_ORDER_LINES = 100;

export class OrderLineDto {
  @ApiProperty({ example: 1, minimum: 1 }) @IsInt() @Min(1) productId: number;
  @ApiProperty({ example: 2, minimum: 1, maximum: 10000 }) @IsInt() @Min(1) @Max(10000) quantity: number;
}

export class CreateOrderDto {
  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: MAX_ORDER_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items: OrderLineDto[];

  @ApiPropertyOptional({ type: String, maxLength: 1000, nullable: true, example: '1 Main St, Springfield' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(1000)
  shippingAddress?: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    description: 'Admins only: order on behalf of this user (default: the caller)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  userId?: number;
}
