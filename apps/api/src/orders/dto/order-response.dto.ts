import { ApiProperty } from '@nestjs/swagger';
import { centsToDecimalString } from '@app/common';
import type { OrderEvent } from '../order-event.entity.js';
import type { OrderItem } from '../order-item.entity.js';
import type { Order } from '../order.entity.js';
import { ORDER_STATUSES, type OrderStatus } from '../order-status.js';

export class OrderItemResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() productId: number;
  @ApiProperty({ description: 'The product name when ordered' }) productName: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ example: '79.99' }) unitPrice: string;
  @ApiProperty({ example: '159.98' }) totalPrice: string;
}

/**
 * One status change: `from` is null for the creation (and for
 * events backfilled from older orders, whose `by` is null too).
 */
export class OrderEventResponseDto {
  // OpenAPI 3.0: a nullable enum must list null among its values, or strict validators refuse it.
  @ApiProperty({ enum: [...ORDER_STATUSES, null], nullable: true }) from: OrderStatus | null;
  @ApiProperty({ enum: ORDER_STATUSES }) to: OrderStatus;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The id of the user who made the change; null when unknown (backfilled)',
  })
  by: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
}

export class OrderResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'ORD-20260101120000-3F9A1C' }) orderNumber: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status: OrderStatus;
  @ApiProperty({ example: '159.98' }) totalAmount: string;
  @ApiProperty() userId: number;
  @ApiProperty({ type: String, nullable: true }) shippingAddress: string | null;
  @ApiProperty({ type: [OrderItemResponseDto] }) items: OrderItemResponseDto[];
  @ApiProperty({ type: [OrderEventResponseDto], description: 'The status changes, oldest first' })
  events: OrderEventResponseDto[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export class OrdersByStatusDto {
  @ApiProperty() pending: number;
  @ApiProperty() confirmed: number;
  @ApiProperty() shipped: number;
  @ApiProperty() delivered: number;
  @ApiProperty() cancelled: number;
}

export class OrderStatsDto {
  @ApiProperty({ description: 'Every order, cancelled ones included' }) totalOrders: number;
  @ApiProperty({ example: '1234.50', description: 'Sum of the totals of orders that are not cancelled' })
  totalRevenue: string;
  @ApiProperty({ type: OrdersByStatusDto }) ordersByStatus: OrdersByStatusDto;
}

export class TopSpenderDto {
  @ApiProperty() userId: number;
  @ApiProperty() username: string;
  @ApiProperty() email: string;
  @ApiProperty({ description: 'Orders that are not cancelled' }) orderCount: number;
  @ApiProperty({ example: '1234.50' }) totalSpent: string;
}

export function toOrderItemResponse(item: OrderItem): OrderItemResponseDto {
  return {
    id: item.id,
    productId: item.productId,
    productName: item.productName,
    quantity: item.quantity,
    unitPrice: centsToDecimalString(item.unitPrice),
    totalPrice: centsToDecimalString(item.totalPrice),
  };
}

/** An event as stored (its id is not part of any answer). */
type StoredEvent = Pick<OrderEvent, 'fromStatus' | 'toStatus' | 'userId' | 'createdAt'>;

export function toOrderEventResponse(event: StoredEvent): OrderEventResponseDto {
  return {
    from: event.fromStatus ?? null,
    to: event.toStatus,
    by: event.userId ?? null,
    at: event.createdAt.toISOString(),
  };
}

export function toOrderResponse(
  order: Order,
  events: readonly StoredEvent[] = [],
  items: OrderItem[] = order.items ?? [],
): OrderResponseDto {
  return {
    id: order.id,
    orderNumber: order.orderNumber,
    status: order.status,
    totalAmount: centsToDecimalString(order.totalAmount),
    userId: order.userId,
    shippingAddress: order.shippingAddress ?? null,
    items: [...items].sort((a, b) => a.id - b.id).map(toOrderItemResponse),
    events: events.map(toOrderEventResponse),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
