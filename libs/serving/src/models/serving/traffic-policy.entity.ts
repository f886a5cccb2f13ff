import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface WeightedVersion {
  version: string;
  weight: number;
}

/**
 * How calls to a model that name no version are split: weighted primaries (weights sum to 100)
 * and shadow versions that get a copy. `revision` grows with every change; it is part of the
 * sticky hash, so callers keep their version exactly as long as the weights stand.
 */
@Entity({ name: 'traffic_policies' })
@Index('UQ_traffic_policies_modelName', ['modelName'], { unique: true })
export class TrafficPolicy {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  modelName: string;

  @Column({ type: 'simple-json' })
  versions: WeightedVersion[];

  @Column({ type: 'simple-json' })
  shadow: string[];

  @Column({ type: 'integer' })
  revision: number;

  @UpdateDateColumn()
  updatedAt: Date;
}
