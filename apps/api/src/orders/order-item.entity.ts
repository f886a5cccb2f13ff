import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { centsTransformer } from '@app/database';
import { Product } from '../products/product.entity.js';
import { Order } from './order.entity.js';

// Names are explicit and the same in the migration. The CHECK is declared for SQLite; on
// MySQL/MariaDB the migration adds it with plain SQL (TypeORM does not manage checks there).
@Entity({ name: 'order_items' })
@Index('IDX_order_items_orderId', ['orderId'])
@Index('IDX_order_items_productId', ['productId'])
@Check('CHK_order_items_quantity_positive', '"quantity" > 0')
export class OrderItem {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  orderId: number;

  @ManyToOne(() => Order, (order) => order.items, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'orderId', foreignKeyConstraintName: 'FK_order_items_orderId' })
  order?: Relation<Order>;

  @Column({ type: 'integer' })
  productId: number;

  /** A product that was ever ordered cannot be deleted (products are soft-deleted anyway). */
  @ManyToOne(() => Product, { nullable: false, onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'productId', foreignKeyConstraintName: 'FK_order_items_productId' })
  product?: Relation<Product>;

  /** The product's name when ordered, so the order reads the same after a rename. */
  @Column({ type: 'varchar', length: 200 })
  productName: string;

  @Column({ type: 'integer' })
  quantity: number;

  /** Integer cents: the product's price copied when ordered. */
  @Column({ type: 'decimal', precision: 10, scale: 2, transformer: centsTransformer })
  unitPrice: number;

  /** Integer cents: unitPrice × quantity. */
  @Column({ type: 'decimal', precision: 10, scale: 2, transformer: centsTransformer })
  totalPrice: number;
}
