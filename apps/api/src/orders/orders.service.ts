import { createHash, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  BadRequestError,
  centsToDecimalString,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  toPage,
  ValidationFailedError,
  type Page,
  type PageQueryDto,
} from '@app/common';
import { classifyDbError, UnitOfWork } from '@app/database';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { isAdmin } from '@app/common';
import { UsersService } from '../users/users.service.js';
import { ProductsService, StockTermsChanged } from '../products/products.service.js';
import type { CreateOrderDto } from './dto/create-order.dto.js';
import type { ListOrdersQueryDto } from './dto/list-orders.query.js';
import {
  toOrderResponse,
  type OrderResponseDto,
  type OrderStatsDto,
  type TopSpenderDto,
} from './dto/order-response.dto.js';
import { OrderEventsRepository } from './order-events.repository.js';
import type { Order } from './order.entity.js';
import { ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus } from './order-status.js';
import { OrdersRepository, type NewOrderItem } from './orders.repository.js';

/** DECIMAL(10,2) holds at most 99 999 999.99. */
const MAX_TOTAL_CENTS = 9_999_999_999;
/** Idempotency keys are remembered at least this long. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface CreatedOrder {
  order: OrderResponseDto;
  /** True when an Idempotency-Key retry returned the order the first request created. */
  replayed: boolean;
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly orders: OrdersRepository,
    private readonly products: ProductsService,
    private readonly events: OrderEventsRepository,
    private readonly users: UsersService,
  ) {}

  /**
   * One transaction: claim the idempotency key (if any), take the stock, write the order, its
   * items and its first event. Stock is taken by ProductsService.reserveStock in one conditional
   * UPDATE when the products' names and prices are known (the UPDATE checks them, stock and
   * active flag under its row locks); otherwise, or when that UPDATE finds a row changed, the
   * transaction is rolled back and run once more locking first: SELECT … FOR UPDATE in ascending
   * id order (MySQL/MariaDB), checked (exact 404/409 messages), decremented in one UPDATE. The
   * UPDATE also locks in ascending id. Concurrent orders for the same products queue on the row
   * locks and each sees the stock the previous one left, so none can oversell; the fixed lock
   * order keeps them from deadlocking each other (a deadlock that still happens is retried whole
   * by UnitOfWork). On SQLite UnitOfWork lets one unit write at a time. Contention never turns
   * into a failed order: a stale or short first attempt costs one more transaction.
   */
  async create(dto: CreateOrderDto, actor: AuthUser, idempotencyKey?: string): Promise<CreatedOrder> {
    const userId = await this.orderOwner(dto, actor);
    const key = idempotencyKey === undefined ? undefined : checkKey(idempotencyKey);
    const requestHash = key === undefined ? '' : hashRequest(dto, userId);
    const attempt = (lockFirst: boolean) =>
      this.unitOfWork.run(async (manager) => {
        let keyId: number | undefined;
        if (key) {
          await this.orders.purgeKeys(manager, actor.id, new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS));
          const claim = await this.orders.claimKey(manager, actor.id, key, requestHash);
          // Taken: the earlier request's order is read after this unit (a fresh snapshot).
          if (!claim.claimed) return { kind: 'taken', key } as const;
          keyId = claim.keyId;
        }
        const order = await this.placeOrder(manager, userId, dto, lockFirst);
        const placed = await this.events.record(manager, order.id, null, 'pending', actor.id, order.createdAt);
        if (keyId !== undefined) await this.orders.attachOrderToKey(manager, keyId, order.id);
        // The answer is what this unit wrote (and nobody else can have changed before it commits).
        return { kind: 'placed', order, events: [placed] } as const;
      });
    // Whatever the first attempt wrote was rolled back with it; the second locks first.
    const outcome = await attempt(false).catch((error: unknown) => {
      if (error instanceof StockTermsChanged) return attempt(true);
      throw error;
    });
    if (outcome.kind === 'taken')
      return { order: await this.replay(actor.id, outcome.key, requestHash), replayed: true };
    return { order: toOrderResponse(outcome.order, outcome.events), replayed: false };
  }

  async list(query: ListOrdersQueryDto, actor: AuthUser): Promise<Page<OrderResponseDto>> {
    // Customers see their own orders, whatever userId they send.
    const userId = isAdmin(actor) ? query.userId : actor.id;
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from > to)
      throw new ValidationFailedError([{ field: 'from', message: 'from must not be after to' }]);
    const [rows, total] = await this.orders.list({ userId, status: query.status, from, to, sort: query.sort }, query);
    return toPage(await this.withEvents(rows), total, query);
  }

  /** GET /users/:id/orders: the owner or an admin; newest first. */
  async listOfUser(userId: number, page: PageQueryDto, actor: AuthUser): Promise<Page<OrderResponseDto>> {
    assertOwner(actor, userId);
    if (isAdmin(actor) && actor.id !== userId) await this.users.assertExists(userId);
    const [rows, total] = await this.orders.list({ userId }, page);
    return toPage(await this.withEvents(rows), total, page);
  }

  async get(id: number, actor: AuthUser): Promise<OrderResponseDto> {
    const order = await this.orders.findById(id);
    if (!order || !mayAccess(actor, order.userId)) throw new NotFoundError('ORDER_NOT_FOUND', 'Order', id);
    const [response] = await this.withEvents([order]);
    return response;
  }

  /** By its order number; someone else's order is 404, exactly like a missing one. */
  async getByNumber(orderNumber: string, actor: AuthUser): Promise<OrderResponseDto> {
    const order = await this.orders.findByNumber(orderNumber);
    if (!order || !mayAccess(actor, order.userId)) throw new NotFoundError('ORDER_NOT_FOUND', 'Order', orderNumber);
    const [response] = await this.withEvents([order]);
    return response;
  }

  /**
   * Moves the status along the allowed transitions. A customer may only cancel its own pending
   * order. Cancelling puts the stock back in the same transaction; the status changes with a
   * compare-and-set, so two concurrent cancels cannot restore the stock twice.
   */
  async changeStatus(id: number, next: OrderStatus, actor: AuthUser): Promise<OrderResponseDto> {
    const changed = await this.unitOfWork.run(async (manager) => {
      const order = await this.orders.findById(id, manager);
      if (!order || !mayAccess(actor, order.userId)) throw new NotFoundError('ORDER_NOT_FOUND', 'Order', id);
      if (!isAdmin(actor) && next !== 'cancelled')
        throw new ForbiddenError('ORDER_STATUS_FORBIDDEN', 'A customer may only cancel an order');
      if (!ORDER_TRANSITIONS[order.status].includes(next))
        throw new ConflictError(
          'ORDER_INVALID_TRANSITION',
          `Cannot change the status of order ${id} from '${order.status}' to '${next}'`,
        );
      if (!isAdmin(actor) && order.status !== 'pending')
        throw new ForbiddenError('ORDER_STATUS_FORBIDDEN', 'A customer may only cancel a pending order');
      if (!(await this.orders.setStatusIf(manager, id, order.status, next)))
        throw new ConflictError(
          'ORDER_CHANGED_MEANWHILE',
          `Order ${id} was changed meanwhile; reload it and try again`,
        );
      await this.events.record(manager, id, order.status, next, actor.id);
      if (next === 'cancelled')
        await this.products.releaseStock(
          manager,
          (order.items ?? []).map((item) => ({ productId: item.productId, quantity: item.quantity })),
        );
      return this.orders.findById(id, manager);
    });
    const [response] = await this.withEvents([changed!]);
    return response;
  }

  async stats(): Promise<OrderStatsDto> {
    const rows = await this.orders.countByStatus();
    const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<
      OrderStatus,
      number
    >;
    let totalOrders = 0;
    let revenue = 0;
    for (const row of rows) {
      ordersByStatus[row.status] = row.count;
      totalOrders += row.count;
      if (row.status !== 'cancelled') revenue += row.cents;
    }
    return { totalOrders, totalRevenue: centsToDecimalString(revenue), ordersByStatus };
  }

  async topSpenders(limit: number): Promise<TopSpenderDto[]> {
    const rows = await this.orders.topSpenders(limit);
    return rows.map((row) => ({
      userId: row.userId,
      username: row.username,
      email: row.email,
      orderCount: row.orderCount,
      totalSpent: centsToDecimalString(row.totalCents),
    }));
  }

  /** A customer orders for itself; an admin may name another (existing) user. */
  private async orderOwner(dto: CreateOrderDto, actor: AuthUser): Promise<number> {
    if (dto.userId === undefined || dto.userId === actor.id) return actor.id;
    if (!isAdmin(actor)) throw new ForbiddenError('AUTH_ROLE_REQUIRED', 'Only an admin may order for another user');
    await this.users.assertExists(dto.userId);
    return dto.userId;
  }

  private async placeOrder(
    manager: EntityManager,
    userId: number,
    dto: CreateOrderDto,
    lockFirst: boolean,
  ): Promise<Order> {
    const reserved = await this.products.reserveStock(manager, dto.items, { lockFirst });
    let totalAmount = 0;
    const items: NewOrderItem[] = dto.items.map((line) => {
      const product = reserved.get(line.productId)!;
      const totalPrice = product.price * line.quantity;
      totalAmount += totalPrice;
      return {
        productId: product.id,
        productName: product.name,
        quantity: line.quantity,
        unitPrice: product.price,
        totalPrice,
      };
    });
    if (totalAmount > MAX_TOTAL_CENTS)
      throw new BadRequestError(
        'ORDER_TOTAL_TOO_LARGE',
        `The order total ${centsToDecimalString(totalAmount)} exceeds ` +
          `the maximum of ${centsToDecimalString(MAX_TOTAL_CENTS)}`,
      );
    const shippingAddress = dto.shippingAddress ?? null;
    // The number's random part may collide (rarely): the unique index says so, and a new one is drawn.
    for (let attempt = 1; ; attempt += 1) {
      try {
        // The app's clock, not the database's default, so the answer needs no read back; later
        // changes keep updatedAt monotonic (updatedAtNow) whichever clock is ahead.
        const now = new Date();
        return await this.orders.insertOrder(
          manager,
          {
            orderNumber: newOrderNumber(now),
            status: 'pending',
            totalAmount,
            userId,
            shippingAddress,
            createdAt: now,
            updatedAt: now,
          },
          items,
        );
      } catch (error) {
        if (attempt >= 5 || classifyDbError(error) !== 'unique') throw error;
      }
    }
  }

  private async replay(userId: number, key: string, requestHash: string): Promise<OrderResponseDto> {
    const stored = await this.orders.findKey(userId, key);
    if (stored && stored.requestHash !== requestHash)
      throw new ConflictError(
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency-Key '${key}' was already used with a different request`,
      );
    if (!stored?.orderId)
      throw new ConflictError(
        'IDEMPOTENCY_KEY_IN_PROGRESS',
        `A request with Idempotency-Key '${key}' is still in progress`,
      );
    const order = await this.orders.findById(stored.orderId);
    if (!order) throw new NotFoundError('ORDER_NOT_FOUND', 'Order', stored.orderId);
    const [response] = await this.withEvents([order]);
    return response;
  }

  /** Responses with their audit trail: one IN query for the whole page, not one per order. */
  private async withEvents(orders: Order[]): Promise<OrderResponseDto[]> {
    const events = await this.events.ofOrders(orders.map((order) => order.id));
    return orders.map((order) => toOrderResponse(order, events.get(order.id)));
  }
}

function mayAccess(actor: AuthUser, ownerId: number): boolean {
  return isAdmin(actor) || actor.id === ownerId;
}

function assertOwner(actor: AuthUser, ownerId: number): void {
  if (!mayAccess(actor, ownerId)) throw new ForbiddenError('AUTH_NOT_OWNER', 'You may only access your own orders');
}

// Someone else's order answers 404 like a missing one (get, status change): its id says nothing.

function checkKey(key: string): string {
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationFailedError(
      [{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' }],
      undefined,
      'IDEMPOTENCY_KEY_INVALID',
    );
  }
  return key;
}

/** The canonical request: the same body (key order aside) hashes the same. */
function hashRequest(dto: CreateOrderDto, userId: number): string {
  const canonical = JSON.stringify({
    userId,
    shippingAddress: dto.shippingAddress ?? null,
    items: dto.items.map((line) => [line.productId, line.quantity]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * `ORD-YYYYMMDDHHMMSS-XXXXXX`: UTC time and six random hex digits. randomInt draws from Node's
 * cached pool of random bytes; randomBytes(3) asked OpenSSL on every order (1.3 % of an order's CPU).
 */
export function newOrderNumber(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const random = randomInt(0x1000000).toString(16).padStart(6, '0').toUpperCase();
  return `ORD-${stamp}-${random}`;
}
