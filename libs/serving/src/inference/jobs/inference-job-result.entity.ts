import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One prediction of a job, addressed by its row index so results page cheaply. */
@Entity({ name: 'inference_job_results' })
export class InferenceJobResult {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  jobId: string;

  @PrimaryColumn({ type: 'integer' })
  rowIndex: number;

  @Column({ type: 'json' })
  prediction: unknown;
}
