import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '../order-status.js';

export class UpdateOrderStatusDto {
  @ApiProperty({
    enum: ORDER_STATUSES,
    description: 'pending -> confirmed|cancelled, confirmed -> shipped|cancelled, shipped -> delivered',
  })
  @IsIn(ORDER_STATUSES)
  status: OrderStatus;
}
