import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { RecordSource } from './inference-record.entity.js';
import { InferenceRecordsRepository, type NewRecordRow } from './inference-records.repository.js';

export interface NewInferenceRecord {
  model: string;
  version: string;
  source: RecordSource;
  userId: number | null;
  input: unknown;
  output: unknown;
  latencyMs: number;
  success: boolean;
  error?: string;
}

const FLUSH_INTERVAL_MS = 200;
const FLUSH_AT = 500;
const MAX_BUFFERED = 100_000;
const MAX_OUTPUT_CHARS = 60_000;
const MAX_ATTEMPTS = 3;

/**
 * Writes prediction records off the response path: `record()` only appends to a buffer; a timer
 * (or a full buffer) flushes it in multi-row INSERTs. The buffer is bounded, so a database outage
 * costs the oldest records (counted in a metric), never the process's memory; shutdown flushes.
 */
@Injectable()
export class InferenceRecordWriter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceRecordWriter.name);
  /** Kept as given: hashing and serialising happen at flush time, off the response path. */
  private buffer: NewInferenceRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly records: InferenceRecordsRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  record(entry: NewInferenceRecord): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      this.metrics.recordsDropped.inc();
    }
    this.buffer.push(entry);
    if (this.buffer.length >= FLUSH_AT) void this.flush();
  }

  /** Writes everything buffered so far; concurrent calls share one flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(batch: NewInferenceRecord[]): Promise<void> {
    const rows = batch.map(toRow);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      try {
        await this.records.insertMany(rows);
        return;
      } catch (error) {
        if (attempt === MAX_ATTEMPTS) {
          // Put the batch back at the front, within the bound, for the next flush.
          const room = Math.max(0, MAX_BUFFERED - this.buffer.length);
          this.metrics.recordsDropped.inc(batch.length - Math.min(room, batch.length));
          this.buffer = [...batch.slice(batch.length - room), ...this.buffer];
          this.logger.warn(`Could not write ${batch.length} inference records: ${(error as Error).message}`);
        }
      }
    }
  }
}

function toRow(entry: NewInferenceRecord): NewRecordRow {
  return {
    model: entry.model,
    version: entry.version,
    source: entry.source,
    userId: entry.userId,
    inputHash: createHash('sha256').update(canonicalJson(entry.input)).digest('hex'),
    output: entry.output === null || entry.output === undefined ? null : boundedJson(entry.output),
    latencyMs: entry.latencyMs,
    success: entry.success,
    error: entry.error ? entry.error.slice(0, 2000) : null,
  };
}

/** JSON with object keys sorted, so equal inputs hash equally. */
export function canonicalJson(value: unknown): string {
  // Rows of numbers (the common case) have no keys to sort: skip the replacer, which costs a call per value.
  if (Array.isArray(value) && !JSON.stringify(value.slice(0, 1)).includes('{')) return JSON.stringify(value);
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : inner,
  );
}

/** Large outputs are summarised so they fit a TEXT column (64 KB on MySQL). */
function boundedJson(output: unknown): string {
  const json = JSON.stringify(output);
  if (json.length <= MAX_OUTPUT_CHARS) return json;
  const rows = Array.isArray(output) ? output.length : undefined;
  return JSON.stringify({ truncated: true, rows, head: Array.isArray(output) ? output.slice(0, 50) : undefined });
}
