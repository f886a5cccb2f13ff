import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { centsTransformer } from '@app/database';
import { User } from '../users/user.entity.js';
import { OrderItem } from './order-item.entity.js';
import { ORDER_STATUSES, type OrderStatus } from './order-status.js';

// Names are explicit and the same in the migration, so the drift check agrees on both engines.
@Entity({ name: 'orders' })
@Index('UQ_orders_orderNumber', ['orderNumber'], { unique: true })
@Index('IDX_orders_userId_createdAt', ['userId', 'createdAt'])
@Index('IDX_orders_status_createdAt', ['status', 'createdAt'])
@Index('IDX_orders_createdAt', ['createdAt'])
export class Order {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  /** `ORD-YYYYMMDDHHMMSS-XXXXXX` (UTC time, six random hex digits). */
  @Column({ type: 'varchar', length: 32 })
  orderNumber: string;

  @Column({ type: 'simple-enum', enum: ORDER_STATUSES, default: 'pending' })
  status: OrderStatus;

  /** Integer cents in code: the sum of the items' totals. */
  @Column({ type: 'decimal', precision: 10, scale: 2, transformer: centsTransformer })
  totalAmount: number;

  @Column({ type: 'integer' })
  userId: number;

  /** Users are only ever soft-deleted, so an order's user cannot disappear. */
  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_orders_userId' })
  user?: Relation<User>;

  @Column({ type: 'text', nullable: true })
  shippingAddress: string | null;

  @OneToMany(() => OrderItem, (item) => item.order)
  items?: Relation<OrderItem>[];

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
