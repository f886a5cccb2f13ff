import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError, pageOffset, toPage, type Page, type PageQueryDto } from '@app/common';
import { isAdmin, type AuthUser } from '../../auth/auth-user.js';
import { AppConfig } from '../../config/app-config.js';
import { ModelsService } from '../../models/models.service.js';
import { packRows, splitRows } from '../input-rows.js';
import { INLINE_RESULT_ROWS, toJobStatus, type JobAcceptedDto, type JobResultRowDto, type JobStatusDto } from './dto/job.dto.js';
import { InferenceJobChunk } from './inference-job-chunk.entity.js';
import { InferenceJob } from './inference-job.entity.js';
import { enqueueWithin } from './enqueue-within.js';
import { JobQueue } from './job-queue.js';
import { JobsRepository } from './jobs.repository.js';

export const MAX_JOB_ROWS = 100_000;
/** Chunks are stored as JSON in TEXT columns (64 KB on MySQL). */
const MAX_CHUNK_CHARS = 60_000;

@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueue,
    private readonly models: ModelsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Validates every row now (a bad job is a 400, not a failure later), pins the deployed version,
   * stores the job with its input chunks in one transaction, then enqueues it. The stored row is
   * the promise: an enqueue that fails or outlasts its bound (Redis down) still answers 202.
   */
  async submit(name: string, inputs: unknown, version: string | undefined, user: AuthUser): Promise<JobAcceptedDto> {
    const model = this.models.resolve(name, version);
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
    });
    const chunks = this.chunk(job.id, rows);
    job.chunkCount = chunks.length;
    await this.jobs.createWithChunks(job, chunks);
    await enqueueWithin(this.queue, job.id, this.config.jobs.enqueueTimeoutMs, this.logger);
    return { jobId: job.id, status: 'queued' };
  }

  async status(id: string, user: AuthUser): Promise<JobStatusDto> {
    const job = await this.visibleJob(id, user);
    const inline = job.status === 'succeeded' && job.totalRows <= INLINE_RESULT_ROWS ? (await this.jobs.results(id, 0, INLINE_RESULT_ROWS)).map((row) => JSON.parse(row.prediction) as unknown) : undefined;
    return toJobStatus(job, inline);
  }

  async results(id: string, user: AuthUser, page: PageQueryDto): Promise<Page<JobResultRowDto>> {
    const job = await this.visibleJob(id, user);
    const { skip, take } = pageOffset(page);
    const rows = await this.jobs.results(id, skip, take);
    return toPage(rows.map((row) => ({ row: row.rowIndex, prediction: JSON.parse(row.prediction) as unknown })), job.processedRows, page);
  }

  /** Another customer's job is not visible: 404, as if it did not exist. */
  private async visibleJob(id: string, user: AuthUser): Promise<InferenceJob> {
    const job = await this.jobs.findById(id);
    if (!job || (!isAdmin(user) && job.userId !== user.id)) throw new NotFoundError('Job', id);
    return job;
  }

  private chunk(jobId: string, rows: unknown[]): InferenceJobChunk[] {
    const sample = JSON.stringify(rows.slice(0, 16)).length / Math.min(rows.length, 16);
    const rowsPerChunk = Math.max(1, Math.min(this.config.jobs.chunkRows, Math.floor(MAX_CHUNK_CHARS / Math.max(sample * 1.5, 1))));
    const chunks: InferenceJobChunk[] = [];
    for (let first = 0; first < rows.length; first += rowsPerChunk) {
      const slice = rows.slice(first, first + rowsPerChunk);
      chunks.push(Object.assign(new InferenceJobChunk(), { jobId, chunkIndex: chunks.length, firstRow: first, rowCount: slice.length, inputs: JSON.stringify(slice), done: false }));
    }
    return chunks;
  }
}
