import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { WriteBehindDrop, WriteBehindOptions } from '@app/common';
import { TableWriter } from '@app/database';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { RecordSource } from './inference-record.entity.js';
import { InferenceRecordsRepository, type NewRecordRow } from './inference-records.repository.js';
import { canonicalJson } from './canonical-json.js';
import { jsonOnce } from './json-once.js';

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

/** Rows per INSERT, and the number of waiting records that starts a flush without the timer. */
export const RECORD_CHUNK_ROWS = 200;

const BUFFER_OPTIONS: WriteBehindOptions = {
  chunkSize: RECORD_CHUNK_ROWS,
  flushIntervalMs: 200,
  maxItems: 100_000,
  // ...and at most this many characters of serialised output, so large outputs cannot exhaust memory either.
  maxWeight: 50_000_000,
  // 100 ms and 400 ms before the 2nd and 3rd attempt of a chunk while the database is unavailable.
  retry: { retries: 2, firstDelayMs: 100, factor: 4 },
  backoff: { initialMs: 1_000, maxMs: 30_000 },
};

/** A MySQL TEXT column holds 65 535 bytes: stored output JSON stays below this many UTF-8 bytes. */
export const MAX_OUTPUT_BYTES = 60_000;
const MAX_ERROR_CHARS = 2_000;
const MAX_NAME_CHARS = 64;
const TRUNCATED_HEAD = 50;

interface Pending {
  entry: NewInferenceRecord;
  /** When the prediction was made: createdAt is this, not the time of the INSERT. */
  at: Date;
}

/**
 * Writes prediction records off the response path through a WriteBehindBuffer (see it for the
 * failure handling: retries, back-off, row-by-row fallback, bounds; BufferedWriter for the
 * lifecycle). `record()` only appends (no hashing, no serialising, no I/O); at flush time each entry
 * becomes a row (input hash, bounded output JSON, names and error text cut to their columns). Every
 * drop is counted in `inference_records_dropped_total`; shutdown flushes what is left.
 */
@Injectable()
export class InferenceRecordWriter extends TableWriter<Pending, NewRecordRow> {
  constructor(
    protected readonly table: InferenceRecordsRepository,
    private readonly metrics: MetricsService,
  ) {
    super('inference records', BUFFER_OPTIONS);
  }

  override onModuleInit(): void {
    this.metrics.onScrape(() => this.metrics.recordsBuffered.set(this.bufferedCount));
    super.onModuleInit();
  }

  /** Queues one record and returns at once: never waits for, nor touches, the database. */
  record(entry: NewInferenceRecord): void {
    this.enqueue({ entry, at: new Date() });
  }

  prepare({ entry, at }: Pending): NewRecordRow {
    return toRow(entry, at);
  }

  weigh(row: NewRecordRow): number {
    return row.output?.length ?? 0;
  }

  protected countDropped(count: number): void {
    this.metrics.recordsDropped.inc(count);
  }

  protected override describeDrop(drop: WriteBehindDrop<Pending, NewRecordRow>): string {
    return dropReason(drop);
  }
}

function dropReason(drop: WriteBehindDrop<Pending, NewRecordRow>): string {
  if (drop.cause === 'full') return 'buffer full';
  // E.g. a BigInt or a cycle in the input: that one record cannot be stored.
  if (drop.cause === 'unpreparable')
    return `unserialisable record for ${drop.item.entry.model}@${drop.item.entry.version} (${drop.error.message})`;
  return `rejected record for ${drop.row.model}@${drop.row.version} (${drop.error.message})`;
}

function toRow(entry: NewInferenceRecord, at: Date): NewRecordRow {
  return {
    model: String(entry.model).slice(0, MAX_NAME_CHARS),
    version: String(entry.version).slice(0, MAX_NAME_CHARS),
    source: entry.source,
    userId: entry.userId ?? null,
    inputHash: inputHash(entry.input),
    output: entry.output === null || entry.output === undefined ? null : boundedJson(entry.output),
    latencyMs: Number.isFinite(entry.latencyMs) ? Math.max(0, entry.latencyMs) : 0,
    success: Boolean(entry.success),
    error: entry.error ? String(entry.error).slice(0, MAX_ERROR_CHARS) : null,
    createdAt: at,
  };
}

/**
 * SHA-256 of the input's canonical JSON (RFC 8785), so equal inputs hash equally whatever their
 * key order. `undefined` hashes as `null`.
 */
export function inputHash(input: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(input) ?? 'null')
    .digest('hex');
}

/**
 * The output as JSON, or, when that exceeds MAX_OUTPUT_BYTES of UTF-8, a summary that fits:
 * `{ truncated: true, rows, head }` with as many of the first 50 entries as fit (arrays), else
 * `{ truncated: true }`.
 */
export function boundedJson(output: unknown): string {
  // A predict's response wrote this JSON already (jsonOnce): the log reuses the text.
  const json = jsonOnce(output) ?? 'null';
  if (fits(json)) return json;
  if (!Array.isArray(output)) return JSON.stringify({ truncated: true });
  for (let size = TRUNCATED_HEAD; size > 0; size = Math.floor(size / 2)) {
    const summary = JSON.stringify({ truncated: true, rows: output.length, head: output.slice(0, size) });
    if (fits(summary)) return summary;
  }
  return JSON.stringify({ truncated: true, rows: output.length, head: [] });
}

const fits = (json: string) =>
  json.length * 3 <= MAX_OUTPUT_BYTES ||
  (json.length <= MAX_OUTPUT_BYTES && Buffer.byteLength(json, 'utf8') <= MAX_OUTPUT_BYTES);
