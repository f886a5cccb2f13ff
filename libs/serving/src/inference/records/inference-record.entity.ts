import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `shadow`: a traffic policy's shadow copy of a call (see ShadowMirror). */
export const RECORD_SOURCES = ['http', 'job', 'stream', 'ingest', 'oip', 'shadow'] as const;
export type RecordSource = (typeof RECORD_SOURCES)[number];

/** The prediction log: one row per prediction call (a request, a job chunk, a frame). */
@Entity({ name: 'inference_records' })
@Index('IDX_inference_records_model_version_createdAt', ['model', 'version', 'createdAt'])
@Index('IDX_inference_records_createdAt', ['createdAt'])
export class InferenceRecord {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  model: string;

  @Column({ type: 'varchar', length: 64 })
  version: string;

  @Column({ type: 'varchar', length: 10 })
  source: RecordSource;

  /** No foreign key: the log must never block changes to users. */
  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  /** SHA-256 of the canonical JSON of the inputs. */
  @Column({ type: 'varchar', length: 64 })
  inputHash: string;

  /** JSON of the predictions, truncated to fit a TEXT column on MySQL. */
  @Column({ type: 'text', nullable: true })
  output: string | null;

  @Column({ type: 'double' })
  latencyMs: number;

  @Column({ type: 'boolean' })
  success: boolean;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
