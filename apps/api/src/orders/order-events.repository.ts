import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import { PrebuiltInsert } from '@app/database';
import { OrderEvent } from './order-event.entity.js';
import type { OrderStatus } from './order-status.js';

export type NewOrderEvent = Omit<OrderEvent, 'id' | 'order' | 'user'>;

const EVENT_COLUMNS = [
  'orderId',
  'fromStatus',
  'toStatus',
  'userId',
  'backfilled',
  'createdAt',
] as const satisfies readonly (keyof NewOrderEvent)[];

/** The order_events table: the audit trail of order statuses. */
@Injectable()
export class OrderEventsRepository {
  constructor(@InjectRepository(OrderEvent) private readonly events: Repository<OrderEvent>) {}

  private readonly inserts = new PrebuiltInsert<OrderEvent>(OrderEvent, EVENT_COLUMNS, 1);

  /**
   * Records a change with the caller's transaction, so it commits or rolls back with the change
   * itself, and returns the event as stored but for its id (which no answer shows): not read back.
   */
  async record(
    manager: EntityManager,
    orderId: number,
    from: OrderStatus | null,
    to: OrderStatus,
    userId: number,
    at = new Date(),
  ): Promise<NewOrderEvent> {
    const event = { orderId, fromStatus: from, toStatus: to, userId, backfilled: false, createdAt: at };
    await this.inserts.insert(manager, [event]);
    return event;
  }

  /** The events of these orders, oldest first, in one IN query (no query per order). */
  async ofOrders(orderIds: number[], manager: EntityManager = this.events.manager): Promise<Map<number, OrderEvent[]>> {
    const byOrder = new Map<number, OrderEvent[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return byOrder;
    const rows = await manager
      .getRepository(OrderEvent)
      .find({ where: { orderId: In(orderIds) }, order: { id: 'ASC' } });
    for (const row of rows) byOrder.get(row.orderId)?.push(row);
    return byOrder;
  }
}
