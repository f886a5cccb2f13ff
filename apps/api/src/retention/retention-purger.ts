import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { ModelArtifactStore } from '@app/serving/models/model-artifact.store.js';

export interface PurgeReport {
  records: number;
  readings: number;
  jobs: number;
  jobResults: number;
  jobChunks: number;
  idempotencyKeys: number;
  archivedModelArtifacts: number;
  authEvents: number;
}

/** Jobs looked at per pass; each is then deleted in row batches. */
const JOBS_PER_PASS = 100;
/** Input chunks can hold up to 1 MB of JSON each: fewer of them per statement. */
const CHUNKS_PER_DELETE = 20;
const FINISHED = ['succeeded', 'failed', 'cancelled'];

const DAY_MS = 86_400_000;
/** 'YYYY-MM-DD HH:MM:SS' (UTC): compares correctly with DATETIME on MySQL and SQLite's stored text. */
const sqlTime = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 19);

/**
 * Deletes data older than its retention, in bounded statements: ids are picked in keyset pages of
 * RETENTION_BATCH_SIZE and deleted by id (or by a row-index range for a job's results), each
 * statement its own short transaction with a pause after it, so readers and writers of the same
 * tables never wait long on a purge however much it has to delete.
 */
@Injectable()
export class RetentionPurger {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly artifacts: ModelArtifactStore,
  ) {}

  /** One full purge; `tick` runs after every statement (lock refresh, shutdown check). */
  async purge(tick: () => Promise<void> = async () => undefined, now = new Date()): Promise<PurgeReport> {
    const { days } = this.config.retention;
    const cutoff = (daysKept: number) => new Date(now.getTime() - daysKept * DAY_MS);
    const report: PurgeReport = {
      records: 0,
      readings: 0,
      jobs: 0,
      jobResults: 0,
      jobChunks: 0,
      idempotencyKeys: 0,
      archivedModelArtifacts: 0,
      authEvents: 0,
    };
    if (days.records > 0)
      report.records = await this.deleteById('inference_records', 'createdAt', sqlTime(cutoff(days.records)), tick);
    // Readings by their own time (indexed), stored as ISO 8601 strings.
    if (days.readings > 0)
      report.readings = await this.deleteById(
        'sensor_readings',
        'timestamp',
        cutoff(days.readings).toISOString(),
        tick,
      );
    if (days.idempotencyKeys > 0)
      report.idempotencyKeys = await this.deleteById(
        'idempotency_keys',
        'createdAt',
        sqlTime(cutoff(days.idempotencyKeys)),
        tick,
      );
    if (days.authEvents > 0)
      report.authEvents = await this.deleteById('auth_events', 'at', sqlTime(cutoff(days.authEvents)), tick);
    if (days.jobs > 0) Object.assign(report, await this.deleteJobs(cutoff(days.jobs).toISOString(), tick));
    if (days.archivedModels > 0)
      report.archivedModelArtifacts = await this.deleteArchivedArtifacts(sqlTime(cutoff(days.archivedModels)));
    return report;
  }

  private async deleteById(table: string, column: string, before: string, tick: () => Promise<void>): Promise<number> {
    const batch = this.config.retention.batchSize;
    let deleted = 0;
    for (;;) {
      const rows: { id: number }[] = await this.dataSource.query(
        `SELECT id FROM ${table} WHERE ${column} < ? ORDER BY id LIMIT ${batch}`,
        [before],
      );
      if (rows.length === 0) return deleted;
      deleted += await this.deleteWhere(table, 'id IN (:...ids)', { ids: rows.map((row) => row.id) });
      await this.pause(tick);
    }
  }

  /** Finished jobs (by finish time) with their results and input chunks; the job row goes last. */
  private async deleteJobs(
    before: string,
    tick: () => Promise<void>,
  ): Promise<Pick<PurgeReport, 'jobs' | 'jobResults' | 'jobChunks'>> {
    const batch = this.config.retention.batchSize;
    const counts = { jobs: 0, jobResults: 0, jobChunks: 0 };
    for (;;) {
      const jobs: { id: string; totalRows: number; chunkCount: number }[] = await this.dataSource.query(
        `SELECT id, totalRows, chunkCount FROM inference_jobs WHERE status ` +
          `IN (?, ?, ?) AND finishedAt < ? ORDER BY id LIMIT ${JOBS_PER_PASS}`,
        [...FINISHED, before],
      );
      if (jobs.length === 0) return counts;
      for (const job of jobs) {
        for (let first = 0; first < Number(job.totalRows); first += batch) {
          counts.jobResults += await this.deleteWhere(
            'inference_job_results',
            'jobId = :id AND rowIndex >= :first AND rowIndex < :last',
            { id: job.id, first, last: first + batch },
          );
          await this.pause(tick);
        }
        for (let first = 0; first < Number(job.chunkCount); first += CHUNKS_PER_DELETE) {
          counts.jobChunks += await this.deleteWhere(
            'inference_job_chunks',
            'jobId = :id AND chunkIndex >= :first AND chunkIndex < :last',
            { id: job.id, first, last: first + CHUNKS_PER_DELETE },
          );
          await this.pause(tick);
        }
        counts.jobs += await this.deleteWhere('inference_jobs', 'id = :id', { id: job.id });
      }
    }
  }

  /**
   * Archived versions' artifact files. The registry row stays (its history and checksum), still
   * `archived`; such a version can no longer be deployed (its artifact is gone, the load fails).
   */
  private async deleteArchivedArtifacts(before: string): Promise<number> {
    const versions: { name: string; version: string }[] = await this.dataSource.query(
      "SELECT name, version FROM model_versions WHERE stage = 'archived' AND updatedAt < ?",
      [before],
    );
    let removed = 0;
    for (const { name, version } of versions) {
      if (!(await this.artifacts.exists(name, version))) continue;
      await rm(this.artifacts.dirOf(name, version), { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  /** One DELETE (its own short transaction); the rows it removed. */
  private async deleteWhere(table: string, where: string, parameters: Record<string, unknown>): Promise<number> {
    const result = await this.dataSource.createQueryBuilder().delete().from(table).where(where, parameters).execute();
    return result.affected ?? 0;
  }

  private async pause(tick: () => Promise<void>): Promise<void> {
    await tick();
    const pauseMs = this.config.retention.pauseMs;
    if (pauseMs > 0) await sleep(pauseMs);
  }
}
