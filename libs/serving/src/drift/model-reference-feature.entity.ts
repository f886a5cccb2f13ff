import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ModelVersion } from '../models/model-version.entity.js';
import type { ReferenceFeature } from './reference-stats.js';

/**
 * One input feature's reference statistics for a model version (the drift baseline). One row per
 * feature keeps each row a few kilobytes (a TEXT column on MariaDB holds 64 KiB) however wide the
 * input. Written with the version at upload or at boot for shipped models, never changed after.
 * Names are explicit and the same in the migration, so the drift check agrees on both engines.
 */
@Entity({ name: 'model_reference_features' })
@Index('UQ_model_reference_features_version_position', ['modelVersionId', 'position'], { unique: true })
export class ModelReferenceFeature {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  modelVersionId: number;

  @ManyToOne(() => ModelVersion, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'modelVersionId', foreignKeyConstraintName: 'FK_model_reference_features_modelVersionId' })
  modelVersion?: Relation<ModelVersion>;

  /** The feature's index in a packed input row. */
  @Column({ type: 'integer' })
  position: number;

  /** `{ name, mean, std, edges, proportions }` as JSON text. */
  @Column({ type: 'simple-json' })
  stats: ReferenceFeature;

  /** Rows the reference was computed from (0 when an uploaded file did not say). */
  @Column({ type: 'integer' })
  sampleRows: number;
}
