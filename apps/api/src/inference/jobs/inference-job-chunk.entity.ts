import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A slice of a job's input rows (JSON), small enough for a TEXT column on every engine. */
@Entity({ name: 'inference_job_chunks' })
export class InferenceJobChunk {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  jobId: string;

  @PrimaryColumn({ type: 'integer' })
  chunkIndex: number;

  @Column({ type: 'integer' })
  firstRow: number;

  @Column({ type: 'integer' })
  rowCount: number;

  @Column({ type: 'text' })
  inputs: string;

  /** Set in the same transaction that stores the chunk's results, so a resumed job skips it. */
  @Column({ type: 'boolean', default: false })
  done: boolean;
}
