import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { centsTransformer } from '@app/database';
import { Category } from '../categories/category.entity.js';
import type { TagSummaryDto } from '../tags/dto/tag.dto.js';

// Names are explicit and the same in the migration, so the drift check agrees on both engines.
// The CHECK constraints are declared here for SQLite; TypeORM ignores checks on MySQL/MariaDB, where
// the migration adds them with plain SQL (the engine enforces them all the same).
@Entity({ name: 'products' })
@Index('UQ_products_sku', ['sku'], { unique: true })
@Index('UQ_products_slug', ['slug'], { unique: true })
@Index('UQ_products_name_categoryId', ['name', 'categoryId'], { unique: true })
@Index('IDX_products_categoryId_price', ['categoryId', 'price'])
@Index('IDX_products_isActive', ['isActive'])
@Index('IDX_products_isActive_price', ['isActive', 'price'])
@Index('IDX_products_stockQuantity', ['stockQuantity'])
@Check('CHK_products_price_positive', '"price" > 0')
@Check('CHK_products_stockQuantity_nonnegative', '"stockQuantity" >= 0')
export class Product {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 220 })
  slug: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Integer cents in code, DECIMAL(10,2) in the database. */
  @Column({ type: 'decimal', precision: 10, scale: 2, transformer: centsTransformer })
  price: number;

  /** Letters, digits and hyphens, stored upper-case. */
  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'integer', default: 0 })
  stockQuantity: number;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @Column({ type: 'integer', nullable: true })
  categoryId: number | null;

  /** Deleting a category leaves its products uncategorised. */
  @ManyToOne(() => Category, { nullable: true, onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'categoryId', foreignKeyConstraintName: 'FK_products_categoryId' })
  category?: Relation<Category> | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  /**
   * Not a column: filled from product_tags, one IN query per page
   * (TagsRepository.tagsOfProducts), joined on a single read (ProductReadRepository).
   */
  tags?: TagSummaryDto[];
}
