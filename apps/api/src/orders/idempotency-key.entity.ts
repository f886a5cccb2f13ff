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

/**
 * An `Idempotency-Key` a caller sent with POST /orders: written in the same transaction as the
 * order, so the unique (userId, idempotencyKey) index makes a concurrent duplicate wait and then
 * fail instead of creating a second order. Kept at least 24 hours.
 */
@Entity({ name: 'idempotency_keys' })
@Index('UQ_idempotency_keys_userId_key', ['userId', 'idempotencyKey'], { unique: true })
@Index('IDX_idempotency_keys_orderId', ['orderId'])
@Index('IDX_idempotency_keys_createdAt', ['createdAt'])
export class IdempotencyKey {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  /** The caller who sent the key (keys are per user). */
  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_idempotency_keys_userId' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 255 })
  idempotencyKey: string;

  /** SHA-256 (hex) of the canonical request body: a retry must send the same body. */
  @Column({ type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'integer', nullable: true })
  orderId: number | null;

  @ManyToOne(() => Order, { nullable: true, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'orderId', foreignKeyConstraintName: 'FK_idempotency_keys_orderId' })
  order?: Relation<Order> | null;

  @CreateDateColumn()
  createdAt: Date;
}
