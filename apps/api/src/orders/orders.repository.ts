import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import { pageOffset, parseSort, type PageQueryDto } from '@app/common';
import {
  centsOf,
  classifyDbError,
  integerOrNull,
  PrebuiltInsert,
  timestampParameter,
  updatedAtNow,
} from '@app/database';
import { MAX_ORDER_LINES } from './dto/create-order.dto.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { OrderItem } from './order-item.entity.js';
import { Order } from './order.entity.js';
import type { OrderStatus } from './order-status.js';

export interface OrderFilter {
  userId?: number;
  status?: OrderStatus;
  /** createdAt at or after. */
  from?: Date;
  /** createdAt at or before. */
  to?: Date;
  sort?: string;
}

export interface StatusCountRow {
  status: OrderStatus;
  count: number;
  cents: number;
}

export interface TopSpenderRow {
  userId: number;
  username: string;
  email: string;
  orderCount: number;
  totalCents: number;
}

/** The outcome of claiming an Idempotency-Key: the new claim's id, or taken by an earlier request. */
export type KeyClaim = { claimed: true; keyId: number } | { claimed: false };

/** An order as placed: every column but its id, the timestamps taken by the caller. */
export type NewOrder = Omit<Order, 'id' | 'items' | 'user'>;
export type NewOrderItem = Omit<OrderItem, 'id' | 'orderId' | 'order' | 'product'>;

const ORDER_COLUMNS = [
  'orderNumber',
  'status',
  'totalAmount',
  'userId',
  'shippingAddress',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof NewOrder)[];
const ITEM_COLUMNS = ['orderId', 'productId', 'productName', 'quantity', 'unitPrice', 'totalPrice'] as const;

const toInt = (value: unknown) => integerOrNull(value) ?? 0;

/** The orders, order_items and idempotency_keys tables' queries, named for what they are for. */
@Injectable()
export class OrdersRepository {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(OrderItem) private readonly items: Repository<OrderItem>,
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
  ) {}

  private readonly orderInsert = new PrebuiltInsert<Order>(Order, ORDER_COLUMNS, 1);
  private readonly itemInsert = new PrebuiltInsert<OrderItem>(OrderItem, ITEM_COLUMNS, MAX_ORDER_LINES);

  findById(id: number, manager: EntityManager = this.orders.manager): Promise<Order | null> {
    return manager.getRepository(Order).findOne({ where: { id }, relations: { items: true } });
  }

  findByNumber(orderNumber: string): Promise<Order | null> {
    return this.orders.findOne({ where: { orderNumber }, relations: { items: true } });
  }

  /** A page of orders and, in one IN query, their items (no query per order). */
  async list(filter: OrderFilter, page: PageQueryDto): Promise<[Order[], number]> {
    const query = this.orders.createQueryBuilder('o');
    if (filter.userId !== undefined) query.andWhere('o.userId = :userId', { userId: filter.userId });
    if (filter.status) query.andWhere('o.status = :status', { status: filter.status });
    if (filter.from)
      query.andWhere('o.createdAt >= :from', { from: timestampParameter(this.orders.manager, filter.from) });
    if (filter.to) query.andWhere('o.createdAt <= :to', { to: timestampParameter(this.orders.manager, filter.to) });
    const { field, direction } = parseSort(filter.sort, { field: 'createdAt', direction: 'DESC' });
    query.orderBy(`o.${field}`, direction).addOrderBy('o.id', direction);
    const { skip, take } = pageOffset(page);
    const [orders, total] = await query.offset(skip).limit(take).getManyAndCount();
    if (orders.length === 0) return [orders, total];
    const items = await this.items.find({
      where: { orderId: In(orders.map((order) => order.id)) },
      order: { id: 'ASC' },
    });
    const byOrder = new Map<number, OrderItem[]>(orders.map((order) => [order.id, []]));
    for (const item of items) byOrder.get(item.orderId)?.push(item);
    for (const order of orders) order.items = byOrder.get(order.id);
    return [orders, total];
  }

  /**
   * Inserts the order and then all its items in one multi-row INSERT, with the caller's
   * transaction, and returns them as stored (ids from the INSERTs, every other value the caller's),
   * so nothing is read back while the stock rows are locked.
   */
  async insertOrder(manager: EntityManager, order: NewOrder, lines: NewOrderItem[]): Promise<Order> {
    const [id] = await this.orderInsert.insertReturningIds(manager, [order]);
    const items = lines.map((line) => ({ ...line, orderId: id }));
    const itemIds = await this.itemInsert.insertReturningIds(manager, items);
    return { ...order, id, items: items.map((item, index) => ({ ...item, id: itemIds[index] })) };
  }

  /** Compare-and-set: changes the status only if it is still `from`. False when someone else changed it first. */
  async setStatusIf(manager: EntityManager, id: number, from: OrderStatus, to: OrderStatus): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Order)
      .set({ status: to, updatedAt: updatedAtNow(manager) })
      .where('id = :id AND status = :from', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async countByStatus(): Promise<StatusCountRow[]> {
    const rows = await this.orders
      .createQueryBuilder('o')
      .select('o.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .addSelect(`SUM(${centsOf('o.totalAmount')})`, 'cents')
      .groupBy('o.status')
      .getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({ status: row.status as OrderStatus, count: toInt(row.count), cents: toInt(row.cents) }));
  }

  async topSpenders(limit: number): Promise<TopSpenderRow[]> {
    const rows = await this.orders
      .createQueryBuilder('o')
      .innerJoin('o.user', 'u')
      .select('u.id', 'userId')
      .addSelect('u.username', 'username')
      .addSelect('u.email', 'email')
      .addSelect('COUNT(o.id)', 'orderCount')
      .addSelect(`SUM(${centsOf('o.totalAmount')})`, 'totalCents')
      .where('o.status <> :cancelled', { cancelled: 'cancelled' })
      .groupBy('u.id')
      .addGroupBy('u.username')
      .addGroupBy('u.email')
      .orderBy(`SUM(${centsOf('o.totalAmount')})`, 'DESC')
      .addOrderBy('u.id', 'ASC')
      .limit(limit)
      .getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({
      userId: toInt(row.userId),
      username: String(row.username),
      email: String(row.email),
      orderCount: toInt(row.orderCount),
      totalCents: toInt(row.totalCents),
    }));
  }

  // Idempotency keys -------------------------------------------------------------------------

  /** Forgets the caller's keys older than `before` (keys are kept at least 24 hours). */
  async purgeKeys(manager: EntityManager, userId: number, before: Date): Promise<void> {
    // 'YYYY-MM-DD HH:MM:SS' (UTC) compares correctly with DATETIME on MySQL and SQLite's stored text.
    const cutoff = before.toISOString().replace('T', ' ').slice(0, 19);
    await manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKey)
      .where('userId = :userId AND createdAt < :cutoff', { userId, cutoff })
      .execute();
  }

  /**
   * Claims (userId, key) inside the order's transaction. A concurrent claim of the same key waits
   * on the unique index (MySQL) or the single writer (SQLite) and then finds it taken. A failed
   * INSERT undoes only itself on both engines, so the transaction goes on.
   */
  async claimKey(manager: EntityManager, userId: number, key: string, requestHash: string): Promise<KeyClaim> {
    try {
      const result = await manager
        .getRepository(IdempotencyKey)
        .insert({ userId, idempotencyKey: key, requestHash, orderId: null });
      return { claimed: true, keyId: Number(result.identifiers[0].id) };
    } catch (error) {
      if (classifyDbError(error) === 'unique') return { claimed: false };
      throw error;
    }
  }

  async attachOrderToKey(manager: EntityManager, keyId: number, orderId: number): Promise<void> {
    await manager.getRepository(IdempotencyKey).update({ id: keyId }, { orderId });
  }

  findKey(userId: number, key: string): Promise<IdempotencyKey | null> {
    return this.keys.findOneBy({ userId, idempotencyKey: key });
  }
}
