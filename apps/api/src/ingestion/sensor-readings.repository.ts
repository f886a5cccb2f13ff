import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import { insertRows } from '@app/database';
import { SensorReading } from './sensor-reading.entity.js';

export interface ReadingFilter {
  sensorId?: string;
  from?: string;
  to?: string;
  isAnomaly?: boolean;
}

@Injectable()
export class SensorReadingsRepository {
  constructor(@InjectRepository(SensorReading) private readonly readings: Repository<SensorReading>) {}

  /** Every row with the caller's transaction, in multi-row INSERTs. */
  async insertAll(manager: EntityManager, rows: Partial<SensorReading>[]): Promise<void> {
    await insertRows(manager, SensorReading, rows);
  }

  list(filter: ReadingFilter, page: PageQueryDto): Promise<[SensorReading[], number]> {
    const query = this.readings.createQueryBuilder('reading');
    if (filter.sensorId) query.andWhere('reading.sensorId = :sensorId', { sensorId: filter.sensorId });
    if (filter.from) query.andWhere('reading.timestamp >= :from', { from: filter.from });
    if (filter.to) query.andWhere('reading.timestamp <= :to', { to: filter.to });
    if (filter.isAnomaly !== undefined)
      query.andWhere('reading.isAnomaly = :isAnomaly', { isAnomaly: filter.isAnomaly });
    const { skip, take } = pageOffset(page);
    return query
      .orderBy('reading.timestamp', 'DESC')
      .addOrderBy('reading.id', 'DESC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
  }
}
