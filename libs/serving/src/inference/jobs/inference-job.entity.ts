import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
/** States a job leaves only by running; anything else is finished. */
export const UNFINISHED_STATUSES: JobStatus[] = ['queued', 'running'];
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * An async inference job. Its state lives here, so any process answers for it; the inputs and the
 * per-row results live in their own tables so this row, and the status call, stay small.
 */
@Entity({ name: 'inference_jobs' })
@Index('IDX_inference_jobs_status', ['status'])
@Index('IDX_inference_jobs_userId', ['userId'])
export class InferenceJob {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'integer' })
  userId: number;

  @Column({ type: 'varchar', length: 64 })
  model: string;

  /** Pinned at submission, so every chunk runs on the same version. */
  @Column({ type: 'varchar', length: 64 })
  version: string;

  @Column({ type: 'simple-enum', enum: JOB_STATUSES, default: 'queued' })
  status: JobStatus;

  @Column({ type: 'integer' })
  totalRows: number;

  @Column({ type: 'integer', default: 0 })
  processedRows: number;

  @Column({ type: 'integer' })
  chunkCount: number;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  /** ISO 8601; a string so both engines keep milliseconds the same way. */
  @Column({ type: 'varchar', length: 30, nullable: true })
  finishedAt: string | null;
}
