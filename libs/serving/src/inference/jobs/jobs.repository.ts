import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, MoreThan, type DataSource, type FindOptionsWhere } from 'typeorm';
import { insertRows, UnitOfWork, updatedAtNow } from '@app/database';
import { InferenceJobChunk } from './inference-job-chunk.entity.js';
import { InferenceJobResult } from './inference-job-result.entity.js';
import { InferenceJob, UNFINISHED_STATUSES, type JobStatus } from './inference-job.entity.js';

export interface JobListFilter {
  userId?: number;
  status?: JobStatus;
  model?: string;
}

const INSERT_BATCH = 500;
const CHUNK_INSERT_BATCH = 50;
/** Characters of JSON per multi-row INSERT: far below MySQL/MariaDB's 16 MB max_allowed_packet. */
const INSERT_MAX_CHARS = 4_000_000;

/** Groups rows so each INSERT stays under both a row count and a character budget (a big row goes alone). */
function* batchesBySize<T>(rows: T[], sizeOf: (row: T) => number, maxRows: number): Generator<T[]> {
  let batch: T[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = sizeOf(row);
    if (batch.length > 0 && (batch.length >= maxRows || chars + size > INSERT_MAX_CHARS)) {
      yield batch;
      batch = [];
      chars = 0;
    }
    batch.push(row);
    chars += size;
  }
  if (batch.length > 0) yield batch;
}

/** Rolls a chunk's transaction back when its job stopped running. */
class JobNotRunning extends Error {}

@Injectable()
export class JobsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  private get jobs() {
    return this.dataSource.getRepository(InferenceJob);
  }

  /**
   * The job and all its input chunks, in one unit of work: a job is accepted whole or not at all.
   * The job steps (this and completeChunk) are whole units, so they open their own.
   */
  async createWithChunks(job: InferenceJob, chunks: InferenceJobChunk[]): Promise<void> {
    await this.unitOfWork.run(async (manager) => {
      await manager.insert(InferenceJob, job);
      for (const batch of batchesBySize(chunks, (chunk) => chunk.jsonLength ?? 0, CHUNK_INSERT_BATCH))
        await insertRows(manager, InferenceJobChunk, batch, batch.length);
    });
  }

  findById(id: string): Promise<InferenceJob | null> {
    return this.jobs.findOneBy({ id });
  }

  /** A page of jobs, newest first (id breaks ties so pages never overlap). */
  list(filter: JobListFilter, skip: number, take: number): Promise<[InferenceJob[], number]> {
    const where: FindOptionsWhere<InferenceJob> = {};
    if (filter.userId !== undefined) where.userId = filter.userId;
    if (filter.status) where.status = filter.status;
    if (filter.model) where.model = filter.model;
    return this.jobs.findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, skip, take });
  }

  /**
   * Cancels a job that is still queued or running, atomically: false when it had finished. The
   * runner sees the new status before its next chunk, and a chunk in flight cannot commit after
   * this (its progress update is conditional on `running`).
   */
  async cancel(id: string): Promise<boolean> {
    const result = await this.jobs
      .createQueryBuilder()
      .update(InferenceJob)
      .set({
        status: 'cancelled',
        finishedAt: new Date().toISOString(),
        updatedAt: updatedAtNow(this.dataSource.manager),
      })
      .where('id = :id AND status IN (:...statuses)', { id, statuses: UNFINISHED_STATUSES })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async statusOf(id: string): Promise<JobStatus | undefined> {
    const job = await this.jobs.findOne({ select: { id: true, status: true }, where: { id } });
    return job?.status;
  }

  /** Ids of jobs accepted but not finished, oldest first: what the reconciler checks. */
  async findUnfinishedIds(limit: number): Promise<string[]> {
    const rows = await this.jobs.find({
      select: { id: true },
      where: { status: In(UNFINISHED_STATUSES) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows: { status: string; count: string | number }[] = await this.jobs
      .createQueryBuilder('job')
      .select('job.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .groupBy('job.status')
      .getRawMany();
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
      .set({ status: 'running', attempts: () => 'attempts + 1', updatedAt: updatedAtNow(this.dataSource.manager) })
      .where('id = :id AND status IN (:...statuses)', { id, statuses: UNFINISHED_STATUSES })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  pendingChunks(jobId: string): Promise<InferenceJobChunk[]> {
    return this.dataSource
      .getRepository(InferenceJobChunk)
      .find({ where: { jobId, done: false }, order: { chunkIndex: 'ASC' } });
  }

  /**
   * Stores a chunk's predictions, marks it done and advances progress, all or nothing; answers
   * false (writing nothing) when the job is no longer running, i.e. it was cancelled. Idempotent:
   * the done mark is taken first and only from false, so a repeat (a COMMIT whose acknowledgement
   * was lost in a database outage) changes nothing. The progress update is a compare-and-set on
   * `running` and comes before the results, so it takes the job row's lock: a cancel either
   * commits first (and this chunk is rolled back) or waits for this chunk (and counts its rows).
   */
  async completeChunk(chunk: InferenceJobChunk, predictions: unknown[]): Promise<boolean> {
    try {
      await this.unitOfWork.run(async (manager) => {
        const marked = await manager.update(
          InferenceJobChunk,
          { jobId: chunk.jobId, chunkIndex: chunk.chunkIndex, done: false },
          { done: true },
        );
        if ((marked.affected ?? 0) === 0) return;
        const progressed = await manager.update(
          InferenceJob,
          { id: chunk.jobId, status: 'running' },
          { processedRows: () => `processedRows + ${Number(chunk.rowCount)}`, updatedAt: updatedAtNow(manager) },
        );
        if ((progressed.affected ?? 0) === 0) throw new JobNotRunning();
        const rows = predictions.map((prediction, offset) => ({
          jobId: chunk.jobId,
          rowIndex: chunk.firstRow + offset,
          prediction,
        }));
        // One model's predictions all have the same shape: the first one sizes them all.
        const rowChars = 2 * JSON.stringify(predictions[0] ?? null).length;
        for (const batch of batchesBySize(rows, () => rowChars, INSERT_BATCH))
          await insertRows(manager, InferenceJobResult, batch, batch.length);
      });
      return true;
    } catch (error) {
      if (error instanceof JobNotRunning) return false;
      throw error;
    }
  }

  /** Finishes a running job; a job cancelled meanwhile stays cancelled. */
  async finish(id: string, outcome: { status: 'succeeded' } | { status: 'failed'; error: string }): Promise<void> {
    await this.jobs.update(
      { id, status: 'running' },
      {
        status: outcome.status,
        error: outcome.status === 'failed' ? outcome.error : null,
        finishedAt: new Date().toISOString(),
        updatedAt: updatedAtNow(this.dataSource.manager),
      },
    );
  }

  results(jobId: string, skip: number, take: number): Promise<InferenceJobResult[]> {
    return this.dataSource
      .getRepository(InferenceJobResult)
      .find({ where: { jobId }, order: { rowIndex: 'ASC' }, skip, take });
  }

  /** The next `take` results after row `afterRow`, by the primary key: a keyset page, cheap at any depth. */
  resultsAfter(jobId: string, afterRow: number, take: number): Promise<InferenceJobResult[]> {
    return this.dataSource
      .getRepository(InferenceJobResult)
      .find({ where: { jobId, rowIndex: MoreThan(afterRow) }, order: { rowIndex: 'ASC' }, take });
  }
}
