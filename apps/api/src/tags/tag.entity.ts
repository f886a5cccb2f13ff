import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Names are explicit and the same in the migration, so the drift check agrees on both engines.
@Entity({ name: 'tags' })
@Index('UQ_tags_name', ['name'], { unique: true })
@Index('UQ_tags_slug', ['slug'], { unique: true })
export class Tag {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Lower-case letters, digits and hyphens; derived from the name when not given. */
  @Column({ type: 'varchar', length: 120 })
  slug: string;

  @CreateDateColumn()
  createdAt: Date;
}
