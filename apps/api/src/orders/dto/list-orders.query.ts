import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQueryDto, QueryInt, SortQuery } from '@app/common';
import { ORDER_STATUSES, type OrderStatus } from '../order-status.js';

export const ORDER_SORT_FIELDS = ['createdAt', 'totalAmount'] as const;

export class ListOrdersQueryDto extends PageQueryDto {
  @QueryInt({ min: 1, description: 'Admins only: orders of this user (customers always see their own)' }) userId?: number;
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES) status?: OrderStatus;
  // Plain ISO 8601 validation for now; a shared strict date query parser can replace these two lines.
  @ApiPropertyOptional({ format: 'date-time', description: 'Orders created at or after this time (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Orders created at or before this time (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @SortQuery(ORDER_SORT_FIELDS) sort?: string;
}

export class TopSpendersQueryDto {
  @QueryInt({ min: 1, max: 100, default: 10, description: 'How many users' }) limit: number = 10;
}
