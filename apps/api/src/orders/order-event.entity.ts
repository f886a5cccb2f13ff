import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity.js';
import { Order } from './order.entity.js';
import { ORDER_STATUSES, type OrderStatus } from './order-status.js';

/**
 * One status change of an order (the audit trail): written in the transaction that changes the
 * status, and on creation (`from: null, to: pending`). Names are explicit and the same in the
 * migration, so the drift check agrees on both engines.
 */
@Entity({ name: 'order_events' })
@Index('IDX_order_events_orderId_id', ['orderId', 'id'])
export class OrderEvent {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  orderId: number;

  @ManyToOne(() => Order, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'orderId', foreignKeyConstraintName: 'FK_order_events_orderId' })
  order?: Relation<Order>;

  /** Null for the creation event (and the backfilled ones). */
  @Column({ type: 'simple-enum', enum: ORDER_STATUSES, nullable: true })
  fromStatus: OrderStatus | null;

  @Column({ type: 'simple-enum', enum: ORDER_STATUSES })
  toStatus: OrderStatus;

  /** Who made the change; null when unknown (events backfilled from orders made before the trail). */
  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_order_events_userId' })
  user?: Relation<User>;

  /** Written by the BackfillOrderEvents data migration, whose down deletes exactly these rows. */
  @Column({ type: 'boolean', default: false })
  backfilled: boolean;

  @CreateDateColumn()
  createdAt: Date;
}
