import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { WriteBehindBuffer, type WriteBehindOptions } from '@app/common';
import { classifyDbError } from '@app/database';
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
 * Writes security events off the request path through the WriteBehindBuffer the prediction log
 * uses (InferenceRecordWriter): `write()` only appends; rows go in chunks, survive short outages,
 * and are dropped oldest first (counted in auth_events_dropped_total) rather than grow memory.
 */
@Injectable()
export class AuthEventWriter implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(AuthEventWriter.name);
  private readonly buffer: WriteBehindBuffer<NewAuthEventRow>;

  constructor(
    private readonly events: AuthEventsRepository,
    private readonly metrics: AuthEventMetrics,
  ) {
    this.buffer = new WriteBehindBuffer<NewAuthEventRow>(
      {
        prepare: (row) => row,
        weigh: (row) => (row.userAgent?.length ?? 0) + JSON.stringify(row.details ?? null).length,
        write: (rows) => this.events.insertMany(rows),
        isUnavailable: (error) => classifyDbError(error) === 'unavailable' || !this.events.isConnected(),
      },
      {
        dropped: (drop) => {
          this.metrics.dropped.inc(drop.count);
          this.logger.warn(`Dropped ${drop.count} security event(s): ${drop.cause}`);
        },
        unavailable: (error, queued) =>
          this.logger.warn(`Database unavailable for security events (${queued} queued): ${error.message}`),
        recovered: (queued) => this.logger.log(`Database takes security events again (${queued} still queued)`),
        flushFailed: (error) => this.logger.error(`Security event flush failed: ${error.message}`),
      },
      BUFFER_OPTIONS,
    );
  }

  onModuleInit(): void {
    this.buffer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.buffer.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    const left = await this.buffer.close();
    if (left > 0) {
      this.metrics.dropped.inc(left);
      this.logger.error(`Shutting down with ${left} security events not written`);
    }
  }

  /** Queues one row and returns at once. */
  write(row: NewAuthEventRow): void {
    this.buffer.add(row);
  }
}
