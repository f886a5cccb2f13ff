import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'sensor_readings' })
@Index('IDX_sensor_readings_sensor_timestamp', ['sensorId', 'timestamp'])
@Index('IDX_sensor_readings_timestamp', ['timestamp'])
export class SensorReading {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  /** ISO 8601 in UTC (fixed width), so string order is time order on every engine. */
  @Column({ type: 'varchar', length: 30 })
  timestamp: string;

  @Column({ type: 'varchar', length: 64 })
  sensorId: string;

  @Column({ type: 'double' })
  temperature: number;

  @Column({ type: 'double' })
  humidity: number;

  @Column({ type: 'double', nullable: true })
  pressure: number | null;

  /** Set when the batch was scored by a model (`?model=`); null otherwise. */
  @Column({ type: 'boolean', nullable: true })
  isAnomaly: boolean | null;

  @Column({ type: 'double', nullable: true })
  anomalyScore: number | null;

  /** `name@version` of the model that scored the row. */
  @Column({ type: 'varchar', length: 130, nullable: true })
  scoredBy: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
