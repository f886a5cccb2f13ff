import { Injectable } from '@nestjs/common';
import type { WriteBehindOptions } from '@app/common';
import { TableWriter } from '@app/database';
import { AuthEventMetrics } from './auth-event.metrics.js';
import { AuthEventsRepository, type NewAuthEventRow } from './auth-events.repository.js';

/** Rows per INSERT, and the number of waiting events that starts a flush without the timer. */
const AUTH_EVENT_CHUNK_ROWS = 200;

const BUFFER_OPTIONS: WriteBehindOptions = {
  chunkSize: AUTH_EVENT_CHUNK_ROWS,
  flushIntervalMs: 200,
  // Rows are small and bounded (every text column is cut to its length): 20 000 is a few MB at most.
  maxItems: 20_000,
  maxWeight: 20_000_000,
  retry: { retries: 2, firstDelayMs: 100, factor: 4 },
  backoff: { initialMs: 1_000, maxMs: 30_000 },
};

/**
 * Writes security events off the request path through the TableWriter the prediction log uses
 * (InferenceRecordWriter): `record()` only appends; rows go in chunks, survive short outages, and are
 * dropped oldest first (counted in auth_events_dropped_total) rather than grow memory.
 */
@Injectable()
export class AuthEventWriter extends TableWriter<NewAuthEventRow> {
  constructor(
    protected readonly table: AuthEventsRepository,
    private readonly metrics: AuthEventMetrics,
  ) {
    super('security events', BUFFER_OPTIONS);
  }

  prepare(row: NewAuthEventRow): NewAuthEventRow {
    return row;
  }

  weigh(row: NewAuthEventRow): number {
    return (row.userAgent?.length ?? 0) + JSON.stringify(row.details ?? null).length;
  }

  protected countDropped(count: number): void {
    this.metrics.dropped.inc(count);
  }

  /** Queues one row and returns at once. */
  record(row: NewAuthEventRow): void {
    this.enqueue(row);
  }
}
