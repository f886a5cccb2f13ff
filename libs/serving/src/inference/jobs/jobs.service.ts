import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { ConflictError, NotFoundError, pageOffset, toPage, type Page, type PageQueryDto } from '@app/common';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { isAdmin } from '@app/common';
import { AppConfig } from '@app/config';
import { ModelVersionResolver } from '../../models/serving/model-version-resolver.js';
import { callerKey } from '../../models/serving/sticky-split.js';
import { packRows, splitRows } from '../input-rows.js';
import {
  INLINE_RESULT_ROWS,
  toJobStatus,
  type JobAcceptedDto,
  type JobResultRowDto,
  type JobStatusDto,
  type ListJobsQueryDto,
} from './dto/job.dto.js';
import { InferenceJobChunk } from './inference-job-chunk.entity.js';
import { InferenceJob } from './inference-job.entity.js';
import { enqueueWithin } from './enqueue-within.js';
import { JobQueue } from './job-queue.js';
import { JobsRepository } from './jobs.repository.js';

export const MAX_JOB_ROWS = 100_000;
/** Characters of JSON per stored chunk (bounds one chunk's transaction). */
const MAX_CHUNK_CHARS = 1_000_000;
/** Result rows read per query while streaming NDJSON: bounds the memory one download holds. */
const NDJSON_PAGE_ROWS = 1000;

@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueue,
    private readonly models: ModelVersionResolver,
    private readonly config: AppConfig,
  ) {}

  /**
   * Validates every row now (a bad job is a 400, not a failure later), pins the deployed version,
   * stores the job with its input chunks in one transaction, then enqueues it. The stored row is
   * the promise: an enqueue that fails or outlasts its bound (Redis down) still answers 202.
   */
  async submit(name: string, inputs: unknown, version: string | undefined, user: AuthUser): Promise<JobAcceptedDto> {
    // A job without a version follows the traffic policy like
    // predict (sticky per caller); it records the concrete version.
    const { model } = this.models.resolve(name, version, callerKey({ userId: user.id, apiKeyId: user.apiKey?.id }));
    const layout = { inputShape: model.info.inputShape, featureNames: model.featureNames };
    const { rows: rowCount } = packRows(inputs, layout, MAX_JOB_ROWS);
    const rows = splitRows(inputs, layout);
    const job = Object.assign(new InferenceJob(), {
      id: randomUUID(),
      userId: user.id,
      model: model.name,
      version: model.version,
      status: 'queued',
      totalRows: rowCount,
      processedRows: 0,
      attempts: 0,
      error: null,
      finishedAt: null,
      // Set here, to the millisecond: SQLite's column default has whole seconds, too coarse to list newest first.
      createdAt: new Date(),
    });
    const chunks = this.chunk(job.id, rows);
    job.chunkCount = chunks.length;
    await this.jobs.createWithChunks(job, chunks);
    await enqueueWithin(this.queue, job.id, this.config.jobs.enqueueTimeoutMs, this.logger);
    return { jobId: job.id, status: 'queued' };
  }

  async status(id: string, user: AuthUser): Promise<JobStatusDto> {
    const job = await this.visibleJob(id, user);
    const inline =
      job.status === 'succeeded' && job.totalRows <= INLINE_RESULT_ROWS
        ? (await this.jobs.results(id, 0, INLINE_RESULT_ROWS)).map((row) => row.prediction)
        : undefined;
    return toJobStatus(job, inline);
  }

  async results(id: string, user: AuthUser, page: PageQueryDto): Promise<Page<JobResultRowDto>> {
    const job = await this.visibleJob(id, user);
    const { skip, take } = pageOffset(page);
    const rows = await this.jobs.results(id, skip, take);
    return toPage(
      rows.map((row) => ({ row: row.rowIndex, prediction: row.prediction })),
      job.processedRows,
      page,
    );
  }

  /** The caller's jobs (an admin's: everyone's), newest first. */
  async list(query: ListJobsQueryDto, user: AuthUser): Promise<Page<JobStatusDto>> {
    const { skip, take } = pageOffset(query);
    const [jobs, total] = await this.jobs.list(
      { userId: isAdmin(user) ? undefined : user.id, status: query.status, model: query.model },
      skip,
      take,
    );
    return toPage(
      jobs.map((job) => toJobStatus(job)),
      total,
      query,
    );
  }

  /** Cancels a queued or running job; a finished one is a 409 with code JOB_ALREADY_FINISHED. */
  async cancel(id: string, user: AuthUser): Promise<JobStatusDto> {
    const job = await this.visibleJob(id, user);
    if (!(await this.jobs.cancel(id))) {
      const current = (await this.jobs.findById(id)) ?? job;
      throw new ConflictError(
        'JOB_ALREADY_FINISHED',
        `Job '${id}' has already finished (${current.status}) and cannot be cancelled`,
      );
    }
    return toJobStatus((await this.jobs.findById(id)) ?? job);
  }

  /**
   * Every stored prediction as NDJSON, in row order. Visibility is checked before the first byte
   * (so a 404 keeps the error shape); then rows are read in keyset pages only as fast as the
   * client takes them (Readable.from pulls the generator when the socket drains), so memory stays
   * flat however large the job.
   */
  async resultsNdjson(id: string, user: AuthUser): Promise<Readable> {
    await this.visibleJob(id, user);
    const jobs = this.jobs;
    async function* lines(): AsyncGenerator<string> {
      let after = -1;
      for (;;) {
        const page = await jobs.resultsAfter(id, after, NDJSON_PAGE_ROWS);
        if (page.length === 0) return;
        yield page.map((row) => JSON.stringify({ row: row.rowIndex, prediction: row.prediction })).join('\n') + '\n';
        after = page[page.length - 1].rowIndex;
      }
    }
    return Readable.from(lines(), { objectMode: false });
  }

  /** Another customer's job is not visible: 404, as if it did not exist. */
  private async visibleJob(id: string, user: AuthUser): Promise<InferenceJob> {
    const job = await this.jobs.findById(id);
    if (!job || (!isAdmin(user) && job.userId !== user.id)) throw new NotFoundError('JOB_NOT_FOUND', 'Job', id);
    return job;
  }

  /**
   * Cuts the rows into chunks of at most JOB_CHUNK_ROWS rows and MAX_CHUNK_CHARS characters,
   * measured on each row's own JSON (rows of 17-digit numbers are three times longer than rows of
   * small integers, so an estimate from the first rows is not enough). A single longer row gets a
   * chunk of its own; the column holds it (LONGTEXT on MySQL/MariaDB).
   */
  private chunk(jobId: string, rows: unknown[]): InferenceJobChunk[] {
    const chunks: InferenceJobChunk[] = [];
    let first = 0;
    let count = 0;
    let chars = 0;
    const close = () => {
      chunks.push(
        Object.assign(new InferenceJobChunk(), {
          jobId,
          chunkIndex: chunks.length,
          firstRow: first,
          rowCount: count,
          inputs: rows.slice(first, first + count),
          done: false,
          jsonLength: chars,
        }),
      );
      first += count;
      count = 0;
      chars = 0;
    };
    for (const row of rows) {
      const length = JSON.stringify(row).length + 1;
      if (count > 0 && (count >= this.config.jobs.chunkRows || chars + length > MAX_CHUNK_CHARS)) close();
      count += 1;
      chars += length;
    }
    if (count > 0) close();
    return chunks;
  }
}
