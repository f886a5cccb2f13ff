import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_STOCK } from './product-fields.js';

export class StockDeltaDto {
  @ApiProperty({ example: -3, description: 'Added to the stock atomically; 409 when the result would be negative' })
  @IsInt()
  @Min(-MAX_STOCK)
  @Max(MAX_STOCK)
  delta: number;
}
