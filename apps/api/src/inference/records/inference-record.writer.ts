import { createHash } from 'node:crypto';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { classifyDbError } from '@app/database';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { RecordSource } from './inference-record.entity.js';
import { InferenceRecordsRepository, type NewRecordRow } from './inference-records.repository.js';

export interface NewInferenceRecord {
  model: string;
  version: string;
  source: RecordSource;
  userId: number | null;
  /** Hashed (SHA-256 of its canonical JSON) at flush time; never stored. */
  input: unknown;
  /** Stored as JSON, summarised when too large for a MySQL TEXT column. */
  output: unknown;
  latencyMs: number;
  success: boolean;
  error?: string;
}

const FLUSH_INTERVAL_MS = 200;
/** This many waiting entries start a flush without waiting for the timer. */
const FLUSH_AT = 500;
/** Rows per INSERT statement. */
const CHUNK_ROWS = 200;
/** At most this many records wait in memory; beyond it the oldest are dropped (and counted). */
const MAX_BUFFERED = 100_000;
/** ...and at most this many characters of serialised output, so large outputs cannot exhaust memory either. */
const MAX_BUFFERED_CHARS = 50_000_000;
/** A MySQL TEXT column holds 65 535 bytes: stored output JSON stays below this many UTF-8 bytes. */
export const MAX_OUTPUT_BYTES = 60_000;
const MAX_ERROR_CHARS = 2_000;
const MAX_NAME_CHARS = 64;
const TRUNCATED_HEAD = 50;
/** Delays before the 2nd and 3rd attempt of a chunk while the database is unavailable. */
const RETRY_DELAYS_MS = [100, 400];
/** After a flush gave up, timer flushes wait this long (doubling up to the max) before trying again. */
const BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

interface Pending {
  entry: NewInferenceRecord;
  /** When the prediction was made: createdAt is this, not the time of the INSERT. */
  at: Date;
}

interface Row {
  values: NewRecordRow;
  chars: number;
}

/**
 * Writes prediction records off the response path. `record()` only appends to an in-memory list
 * (no hashing, no serialising, no I/O). A timer every 200 ms, or 500 waiting entries, turns the
 * entries into rows (input hash, bounded output JSON) and writes them in multi-row INSERTs of 200.
 *
 * Failure handling: while the database is unavailable a chunk is retried (100 ms, 400 ms), then the
 * rows stay queued and timer flushes back off (1 s doubling to 30 s; `flush()` itself never waits
 * for the back-off). A chunk the database rejects for its data is written row by row, and only the
 * rows that still fail are dropped. The queue is bounded (100 000 rows, 50 M output characters):
 * beyond that the oldest rows are dropped and counted in `inference_records_dropped_total`, so an
 * outage costs old records, never the process's memory. Shutdown flushes what is left.
 */
@Injectable()
export class InferenceRecordWriter implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceRecordWriter.name);
  /** Entries as given by callers, serialised at the next flush (off the caller's path). */
  private pending: Pending[] = [];
  /** Serialised rows waiting for the database, oldest first. */
  private rows: Row[] = [];
  private rowChars = 0;
  private timer?: NodeJS.Timeout;
  private tickScheduled = false;
  private draining?: Promise<void>;
  private backoffMs = 0;
  private retryAt = 0;
  private stopped = false;

  constructor(
    private readonly records: InferenceRecordsRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(() => this.metrics.recordsBuffered.set(this.bufferedCount));
    this.timer = setInterval(() => this.tick(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Runs before any module closes its resources: the database is certainly still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Catches what was recorded during the other modules' shutdown (e.g. a job's last chunk). */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.flush();
    const left = this.bufferedCount;
    if (left > 0) {
      this.metrics.recordsDropped.inc(left);
      this.logger.error(`Shutting down with ${left} inference records not written`);
    }
  }

  /** Queues one record and returns at once: never waits for, nor touches, the database. */
  record(entry: NewInferenceRecord): void {
    if (this.pending.length >= MAX_BUFFERED) this.drop(this.pending.splice(0, Math.ceil(MAX_BUFFERED / 100)).length, 'buffer full');
    this.pending.push({ entry, at: new Date() });
    if (this.pending.length >= FLUSH_AT && !this.tickScheduled) {
      this.tickScheduled = true;
      setImmediate(() => this.tick());
    }
  }

  /** Records queued and not yet written (for tests and diagnostics). */
  get bufferedCount(): number {
    return this.pending.length + this.rows.length;
  }

  /**
   * Writes everything recorded before the call (ignores the back-off). Resolves, never rejects,
   * once the rows are written or the database has refused them (they then stay queued).
   */
  async flush(): Promise<void> {
    this.serializePending();
    while (this.draining) await this.draining;
    if (this.rows.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
    await this.draining;
  }

  private tick(): void {
    this.tickScheduled = false;
    // Serialise now even if a write is in progress: queued rows are bounded, raw entries are not.
    this.serializePending();
    if (this.draining || this.rows.length === 0 || Date.now() < this.retryAt) return;
    this.flush().catch((error: unknown) => this.logger.error(`Inference record flush failed: ${(error as Error).message}`));
  }

  private serializePending(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const { entry, at } of batch) {
      try {
        const values = toRow(entry, at);
        const chars = values.output?.length ?? 0;
        this.rows.push({ values, chars });
        this.rowChars += chars;
      } catch (error) {
        // E.g. a BigInt or a cycle in the input: that one record cannot be stored.
        this.drop(1, `unserialisable record for ${entry.model}@${entry.version} (${(error as Error).message})`);
      }
    }
    this.enforceBounds();
  }

  private enforceBounds(): void {
    let dropCount = 0;
    while (dropCount < this.rows.length && (this.rows.length - dropCount > MAX_BUFFERED || this.rowChars > MAX_BUFFERED_CHARS)) {
      this.rowChars -= this.rows[dropCount].chars;
      dropCount += 1;
    }
    if (dropCount > 0) {
      this.rows.splice(0, dropCount);
      this.drop(dropCount, 'buffer full');
    }
  }

  /** Writes queued rows chunk by chunk until none are left or the database is unavailable. */
  private async drain(): Promise<void> {
    while (this.rows.length > 0) {
      const chunk = this.rows.splice(0, CHUNK_ROWS);
      for (const row of chunk) this.rowChars -= row.chars;
      const unwritten = await this.writeChunk(chunk.map((row) => row.values));
      if (unwritten > 0) {
        // Back at the front, in order; the bound still applies.
        const back = chunk.slice(chunk.length - unwritten);
        this.rows = [...back, ...this.rows];
        for (const row of back) this.rowChars += row.chars;
        this.serializePending();
        this.enforceBounds();
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : BACKOFF_MS);
        this.retryAt = Date.now() + this.backoffMs;
        return;
      }
      if (this.backoffMs) {
        this.logger.log(`Database takes inference records again (${this.rows.length} still queued)`);
        this.backoffMs = 0;
        this.retryAt = 0;
      }
      this.serializePending();
    }
  }

  /** Returns how many rows at the end of the chunk are still unwritten (0 = all written or dropped). */
  private async writeChunk(rows: NewRecordRow[]): Promise<number> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt += 1) {
      try {
        await this.records.insertMany(rows);
        return 0;
      } catch (error) {
        lastError = error;
        if (!this.isUnavailable(error)) break;
        if (attempt < RETRY_DELAYS_MS.length && !this.stopped) await sleep(RETRY_DELAYS_MS[attempt]);
        else if (this.stopped) break;
      }
    }
    if (this.isUnavailable(lastError)) {
      this.logger.warn(`Database unavailable for inference records (${rows.length + this.bufferedCount} queued): ${(lastError as Error).message}`);
      return rows.length;
    }
    // The database rejected the chunk for its data: write row by row, drop only what still fails.
    for (let index = 0; index < rows.length; index += 1) {
      try {
        await this.records.insertMany([rows[index]]);
      } catch (error) {
        if (this.isUnavailable(error)) return rows.length - index;
        this.drop(1, `rejected record for ${rows[index].model}@${rows[index].version} (${(error as Error).message})`);
      }
    }
    return 0;
  }

  private isUnavailable(error: unknown): boolean {
    return classifyDbError(error) === 'unavailable' || !this.records.isConnected();
  }

  private drop(count: number, reason: string): void {
    this.metrics.recordsDropped.inc(count);
    this.logger.warn(`Dropped ${count} inference record(s): ${reason}`);
  }
}

function toRow(entry: NewInferenceRecord, at: Date): NewRecordRow {
  return {
    model: String(entry.model).slice(0, MAX_NAME_CHARS),
    version: String(entry.version).slice(0, MAX_NAME_CHARS),
    source: entry.source,
    userId: entry.userId ?? null,
    inputHash: createHash('sha256').update(canonicalJson(entry.input)).digest('hex'),
    output: entry.output === null || entry.output === undefined ? null : boundedJson(entry.output),
    latencyMs: Number.isFinite(entry.latencyMs) ? Math.max(0, entry.latencyMs) : 0,
    success: Boolean(entry.success),
    error: entry.error ? String(entry.error).slice(0, MAX_ERROR_CHARS) : null,
    createdAt: at,
  };
}

/**
 * JSON with object keys sorted (by UTF-16 code unit, the same on every machine), so equal inputs
 * hash equally whatever their key order. `undefined` is `null`.
 */
export function canonicalJson(value: unknown): string {
  const plain = JSON.stringify(value) ?? 'null';
  // No object anywhere (rows of numbers, the common case): no keys to sort, no replacer per value.
  if (!plain.includes('{')) return plain;
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
    ) ?? 'null'
  );
}

/**
 * The output as JSON, or, when that exceeds MAX_OUTPUT_BYTES of UTF-8, a summary that fits:
 * `{ truncated: true, rows, head }` with as many of the first 50 entries as fit (arrays), else
 * `{ truncated: true }`.
 */
export function boundedJson(output: unknown): string {
  const json = JSON.stringify(output) ?? 'null';
  if (fits(json)) return json;
  if (!Array.isArray(output)) return JSON.stringify({ truncated: true });
  for (let size = TRUNCATED_HEAD; size > 0; size = Math.floor(size / 2)) {
    const summary = JSON.stringify({ truncated: true, rows: output.length, head: output.slice(0, size) });
    if (fits(summary)) return summary;
  }
  return JSON.stringify({ truncated: true, rows: output.length, head: [] });
}

const fits = (json: string) => json.length * 3 <= MAX_OUTPUT_BYTES || (json.length <= MAX_OUTPUT_BYTES && Buffer.byteLength(json, 'utf8') <= MAX_OUTPUT_BYTES);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
