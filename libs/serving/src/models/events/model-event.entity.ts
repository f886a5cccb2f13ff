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

/**
 * Registry actions kept as events. `action` is plain text, not an enum, so actions added later
 * (alias, policy) need no schema change.
 */
export const MODEL_EVENT_ACTIONS = ['upload', 'deploy', 'undeploy', 'archive', 'alias', 'policy', 'drift'] as const;
export type ModelEventAction = (typeof MODEL_EVENT_ACTIONS)[number];

// Names are explicit and the same in the migration, so the drift check agrees on both engines.
@Entity({ name: 'model_events' })
@Index('IDX_model_events_modelName_id', ['modelName', 'id'])
export class ModelEvent {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  modelName: string;

  @Column({ type: 'varchar', length: 64 })
  version: string;

  @Column({ type: 'varchar', length: 32 })
  action: ModelEventAction;

  /** The acting user; null for the system (models registered at boot). */
  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  // By entity name, not class, so this lib never imports the users module of apps/api: the
  // foreign key stays in the schema (drift check) while the class is registered by the app.
  @ManyToOne('User', { nullable: true, onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_model_events_userId' })
  user?: Relation<{ id: number }>;

  /** What else the action changed (e.g. the version a deploy replaced), as JSON text. */
  @Column({ type: 'simple-json', nullable: true })
  details: Record<string, unknown> | null;

  @CreateDateColumn()
  createdAt: Date;
}
