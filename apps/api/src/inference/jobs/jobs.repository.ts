import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { insertRows, TransactionRunner } from '@app/database';
import { InferenceJobChunk } from './inference-job-chunk.entity.js';
import { InferenceJobResult } from './inference-job-result.entity.js';
import { InferenceJob } from './inference-job.entity.js';

const INSERT_BATCH = 500;
/** Chunks hold up to ~60 KB of JSON each: 50 per INSERT stays far below MySQL's packet limit. */
const CHUNK_INSERT_BATCH = 50;

@Injectable()
export class JobsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  private get jobs() {
    return this.dataSource.getRepository(InferenceJob);
  }

  /** The job and all its input chunks, in one transaction: a job is accepted whole or not at all. */
  async createWithChunks(job: InferenceJob, chunks: InferenceJobChunk[]): Promise<void> {
    await this.transactions.transaction(async (manager) => {
      await manager.insert(InferenceJob, job);
      await insertRows(manager, InferenceJobChunk, chunks, CHUNK_INSERT_BATCH);
    });
  }

  findById(id: string): Promise<InferenceJob | null> {
    return this.jobs.findOneBy({ id });
  }

  /** Jobs that were accepted but not finished: what a restart must run again. */
  findUnfinished(): Promise<InferenceJob[]> {
    return this.jobs.find({ where: { status: In(['queued', 'running']) }, order: { createdAt: 'ASC' } });
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows: { status: string; count: string | number }[] = await this.jobs.createQueryBuilder('job').select('job.status', 'status').addSelect('COUNT(*)', 'count').groupBy('job.status').getRawMany();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /**
   * Claims a queued (or, when resuming, a running) job atomically; false when another worker has it
   * or it is finished.
   */
  async claim(id: string): Promise<boolean> {
    const result = await this.jobs
      .createQueryBuilder()
      .update(InferenceJob)
      .set({ status: 'running', attempts: () => 'attempts + 1' })
      .where('id = :id AND status IN (:...statuses)', { id, statuses: ['queued', 'running'] })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  pendingChunks(jobId: string): Promise<InferenceJobChunk[]> {
    return this.dataSource.getRepository(InferenceJobChunk).find({ where: { jobId, done: false }, order: { chunkIndex: 'ASC' } });
  }

  /** Stores a chunk's predictions, marks it done and advances progress, all or nothing. */
  async completeChunk(chunk: InferenceJobChunk, predictions: unknown[]): Promise<void> {
    await this.transactions.transaction(async (manager) => {
      const rows = predictions.map((prediction, offset) => ({ jobId: chunk.jobId, rowIndex: chunk.firstRow + offset, prediction: JSON.stringify(prediction) }));
      await insertRows(manager, InferenceJobResult, rows, INSERT_BATCH);
      await manager.update(InferenceJobChunk, { jobId: chunk.jobId, chunkIndex: chunk.chunkIndex }, { done: true });
      await manager.increment(InferenceJob, { id: chunk.jobId }, 'processedRows', chunk.rowCount);
    });
  }

  async finish(id: string, outcome: { status: 'succeeded' } | { status: 'failed'; error: string }): Promise<void> {
    await this.jobs.update({ id }, { status: outcome.status, error: outcome.status === 'failed' ? outcome.error : null, finishedAt: new Date().toISOString() });
  }

  results(jobId: string, skip: number, take: number): Promise<InferenceJobResult[]> {
    return this.dataSource.getRepository(InferenceJobResult).find({ where: { jobId }, order: { rowIndex: 'ASC' }, skip, take });
  }
}
