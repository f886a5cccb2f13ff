import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto, QueryDate, QueryInt, SortQuery } from '@app/common';
import { ORDER_STATUSES, type OrderStatus } from '../order-status.js';

export const ORDER_SORT_FIELDS = ['createdAt', 'totalAmount'] as const;

export class ListOrdersQueryDto extends PageQueryDto {
  @QueryInt({ min: 1, description: 'Admins only: orders of this user (customers always see their own)' })
  userId?: number;
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES) status?: OrderStatus;
  @QueryDate('Orders created at or after this time') from?: Date;
  @QueryDate('Orders created at or before this time') to?: Date;
  @SortQuery(ORDER_SORT_FIELDS) sort?: string;
}

export class TopSpendersQueryDto {
  @QueryInt({ min: 1, max: 100, default: 10, description: 'How many users' }) limit: number = 10;
}
