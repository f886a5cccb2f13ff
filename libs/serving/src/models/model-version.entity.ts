import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const FRAMEWORKS = ['tfjs-layers', 'tfjs-graph', 'onnx'] as const;
export const TASKS = ['classification', 'regression'] as const;
export const STAGES = ['staging', 'production', 'archived'] as const;
export type Framework = (typeof FRAMEWORKS)[number];
export type Task = (typeof TASKS)[number];
export type Stage = (typeof STAGES)[number];

/** One version of a model in the registry; its artifact lives under MODELS_DIR/<name>/<version>/. */
@Entity({ name: 'model_versions' })
@Index('UQ_model_versions_name_version', ['name', 'version'], { unique: true })
@Index('IDX_model_versions_stage', ['stage'])
export class ModelVersion {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  version: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'simple-enum', enum: FRAMEWORKS })
  framework: Framework;

  @Column({ type: 'simple-enum', enum: TASKS })
  task: Task;

  @Column({ type: 'simple-json' })
  inputShape: number[];

  @Column({ type: 'simple-json', nullable: true })
  featureNames: string[] | null;

  @Column({ type: 'simple-json', nullable: true })
  outputLabels: string[] | null;

  @Column({ type: 'simple-json' })
  metrics: Record<string, number>;

  @Column({ type: 'simple-enum', enum: STAGES, default: 'staging' })
  stage: Stage;

  @Column({ type: 'boolean', default: false })
  deployed: boolean;

  /** Why the runtime could not load a deployed version at boot (null when it loaded). */
  @Column({ type: 'text', nullable: true })
  loadError: string | null;

  @Column({ type: 'varchar', length: 64 })
  checksum: string;

  @Column({ type: 'integer' })
  sizeBytes: number;

  /** ISO 8601 string, as declared by whoever trained the model. */
  @Column({ type: 'varchar', length: 30, nullable: true })
  trainedAt: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
