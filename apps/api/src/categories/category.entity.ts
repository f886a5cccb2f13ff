import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

// Index, unique and foreign-key names are explicit and the same in the migration, so the drift
// check agrees on both engines.
@Entity({ name: 'categories' })
@Index('UQ_categories_name', ['name'], { unique: true })
@Index('UQ_categories_slug', ['slug'], { unique: true })
@Index('IDX_categories_parentId', ['parentId'])
export class Category {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Lower-case letters, digits and hyphens; derived from the name when not given. */
  @Column({ type: 'varchar', length: 120 })
  slug: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'integer', nullable: true })
  parentId: number | null;

  /** Deleting a parent makes its children top-level categories. */
  @ManyToOne(() => Category, { nullable: true, onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'parentId', foreignKeyConstraintName: 'FK_categories_parentId' })
  parent?: Category | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
