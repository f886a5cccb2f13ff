import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A slice of a job's input rows, stored as JSON (LONGTEXT on MariaDB, so any row predict takes fits). */
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

  @Column({ type: 'json' })
  inputs: unknown[];

  /** Not a column: the inputs' JSON length, set when the job is cut into chunks (sizes the INSERTs). */
  jsonLength?: number;

  /** Set in the same transaction that stores the chunk's results, so a resumed job skips it. */
  @Column({ type: 'boolean', default: false })
  done: boolean;
}
