import { Injectable } from '@nestjs/common';
import { toPage, type Page } from '@app/common';
import {
  toRecordDto,
  type InferenceRecordDto,
  type ListRecordsQueryDto,
  type StatsQueryDto,
  type VersionStatsDto,
} from './dto/records.dto.js';
import { ModelRuntime, modelKey } from '../../models/model-runtime.js';
import { InferenceRecordsRepository } from './inference-records.repository.js';

const PERCENTILES = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

@Injectable()
export class InferenceRecordsService {
  constructor(
    private readonly records: InferenceRecordsRepository,
    private readonly runtime: ModelRuntime,
  ) {}

  async list(query: ListRecordsQueryDto): Promise<Page<InferenceRecordDto>> {
    const [rows, total] = await this.records.list(query, query);
    return toPage(rows.map(toRecordDto), total, query);
  }

  /**
   * Counts by GROUP BY; each percentile is the nearest-rank value, read with ORDER BY … OFFSET. The
   * executions and average batch size are this process's (the runtime's counters), as Triton reports them.
   */
  async stats(query: StatsQueryDto): Promise<VersionStatsDto[]> {
    const versions = await this.records.countsByVersion(query);
    return Promise.all(
      versions.map(async (counts) => {
        const latencyMs = { p50: null, p95: null, p99: null } as VersionStatsDto['latencyMs'];
        for (const [name, fraction] of Object.entries(PERCENTILES) as [keyof typeof PERCENTILES, number][]) {
          if (counts.successCount === 0) continue;
          const rank = Math.max(1, Math.ceil(fraction * counts.successCount)) - 1;
          latencyMs[name] = await this.records.latencyAtRank(counts.model, counts.version, rank, query.since);
        }
        const batches = this.runtime.batchStats(modelKey(counts.model, counts.version));
        return {
          model: counts.model,
          version: counts.version,
          requestCount: counts.requestCount,
          errorCount: counts.errorCount,
          latencyMs,
          executions: batches.executions,
          averageBatchSize: batches.executions === 0 ? null : round3(batches.requests / batches.executions),
        };
      }),
    );
  }
}
