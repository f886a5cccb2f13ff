import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A named pointer (`champion`, `challenger`, ...) at one version of a model. Unique per model:
 * moving an alias updates its one row, so concurrent moves end with the last writer's version.
 */
@Entity({ name: 'model_aliases' })
@Index('UQ_model_aliases_modelName_alias', ['modelName', 'alias'], { unique: true })
export class ModelAlias {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  modelName: string;

  @Column({ type: 'varchar', length: 64 })
  alias: string;

  @Column({ type: 'varchar', length: 64 })
  version: string;

  @UpdateDateColumn()
  updatedAt: Date;
}
