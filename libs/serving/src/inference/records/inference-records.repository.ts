import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import { PrebuiltInsert } from '@app/database';
import { InferenceRecord } from './inference-record.entity.js';

/** createdAt is set by the writer to the time of the prediction, not of the INSERT. */
export type NewRecordRow = Omit<InferenceRecord, 'id'>;

/** Every column of a record but the generated id, in the order the INSERT lists them. */
const RECORD_COLUMNS = [
  'model',
  'version',
  'source',
  'userId',
  'inputHash',
  'output',
  'latencyMs',
  'success',
  'error',
  'createdAt',
] as const satisfies readonly (keyof NewRecordRow)[];

/**
 * Rows per INSERT statement: the writer's chunks (RECORD_CHUNK_ROWS,
 * 200) fit in one; 10 columns stay far below SQLite's 32 766 parameters.
 */
const MAX_ROWS_PER_INSERT = 500;

export interface RecordFilter {
  model?: string;
  version?: string;
  source?: string;
  success?: boolean;
  since?: Date;
}

export interface VersionCounts {
  model: string;
  version: string;
  requestCount: number;
  errorCount: number;
  successCount: number;
}

@Injectable()
export class InferenceRecordsRepository {
  private readonly inserts = new PrebuiltInsert<InferenceRecord>(InferenceRecord, RECORD_COLUMNS, MAX_ROWS_PER_INSERT);

  constructor(@InjectRepository(InferenceRecord) private readonly records: Repository<InferenceRecord>) {}

  /**
   * One multi-row INSERT (text prebuilt per row count): the writer's buffer decides the chunk size (RECORD_CHUNK_ROWS).
   */
  async insertMany(rows: NewRecordRow[]): Promise<void> {
    await this.inserts.insert(this.records.manager, rows);
  }

  /** False once the data source is closed (late in shutdown): writes cannot succeed then. */
  isConnected(): boolean {
    return this.records.manager.connection.isInitialized;
  }

  list(filter: RecordFilter, page: PageQueryDto): Promise<[InferenceRecord[], number]> {
    const query = this.filtered(filter);
    const { skip, take } = pageOffset(page);
    return query
      .orderBy('record.createdAt', 'DESC')
      .addOrderBy('record.id', 'DESC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
  }

  /** Request and error counts per model version, in one GROUP BY. */
  async countsByVersion(filter: RecordFilter): Promise<VersionCounts[]> {
    const rows: { model: string; version: string; requestCount: string | number; errorCount: string | number }[] =
      await this.filtered(filter)
        .select('record.model', 'model')
        .addSelect('record.version', 'version')
        .addSelect('COUNT(*)', 'requestCount')
        .addSelect('SUM(CASE WHEN record.success = :no THEN 1 ELSE 0 END)', 'errorCount')
        .setParameter('no', false)
        .groupBy('record.model')
        .addGroupBy('record.version')
        .orderBy('record.model', 'ASC')
        .addOrderBy('record.version', 'ASC')
        .getRawMany();
    return rows.map((row) => {
      const requestCount = Number(row.requestCount);
      const errorCount = Number(row.errorCount ?? 0);
      return {
        model: row.model,
        version: row.version,
        requestCount,
        errorCount,
        successCount: requestCount - errorCount,
      };
    });
  }

  /** The latency at a 0-based rank among a version's successful records (nearest-rank percentile). */
  async latencyAtRank(model: string, version: string, rank: number, since?: Date): Promise<number | null> {
    const row = await this.filtered({ model, version, success: true, since })
      .select('record.latencyMs', 'latencyMs')
      .orderBy('record.latencyMs', 'ASC')
      .offset(rank)
      .limit(1)
      .getRawOne<{ latencyMs: number | string }>();
    return row ? Number(row.latencyMs) : null;
  }

  private filtered(filter: RecordFilter) {
    const query = this.records.createQueryBuilder('record');
    if (filter.model) query.andWhere('record.model = :model', { model: filter.model });
    if (filter.version) query.andWhere('record.version = :version', { version: filter.version });
    if (filter.source) query.andWhere('record.source = :source', { source: filter.source });
    if (filter.success !== undefined) query.andWhere('record.success = :success', { success: filter.success });
    if (filter.since) query.andWhere('record.createdAt >= :since', { since: filter.since });
    return query;
  }
}
