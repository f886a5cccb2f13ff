import { Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { withTimeout } from '@app/common';
import { RedisConnection } from '@app/platform';
import { ModelSyncService } from '../model-sync.service.js';
import { CoalescedRun } from './coalesced-run.js';
import { parseRegistryNotice, registryNoticeChannel } from './registry-notice.js';
import { RegistryNoticeMetrics } from './registry-notice.metrics.js';
import { RegistryNotifier } from './registry-notifier.js';

/**
 * Listens for the registry notices of other processes (REDIS_URL; without it, nothing) and syncs
 * this process's runtime with the registry on each, so a change made anywhere is served here
 * within a second. A burst of notices costs at most one sync running and one waiting. Redis
 * being down never stops this process: its connection (of its own, in subscriber mode) retries
 * in the background, and on every (re)connect it runs a full sync, since notices sent meanwhile
 * are lost; until then the periodic sync (MODEL_SYNC_INTERVAL_MS) keeps it in step.
 */
@Injectable()
export class RegistrySubscriber implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RegistrySubscriber.name);
  private readonly syncs = new CoalescedRun(() => this.modelSync.syncOnNotice());
  private connection?: Redis;
  private outageReported = false;
  private stopped = false;

  constructor(
    private readonly modelSync: ModelSyncService,
    private readonly notifier: RegistryNotifier,
    private readonly metrics: RegistryNoticeMetrics,
    @Optional() private readonly redis?: RedisConnection,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.redis) return;
    const channel = registryNoticeChannel(this.redis.prefix);
    // Same server and options as the job queue's client; a subscribed connection can do nothing else.
    const connection = this.redis.client.duplicate();
    this.connection = connection;
    connection.on('message', (from: string, message: string) => {
      if (from === channel) this.onMessage(message);
    });
    connection.on('ready', () => {
      if (this.outageReported) this.logger.log('Registry notices: Redis is back, syncing with the registry');
      this.outageReported = false;
      this.requestSync('reconnect');
    });
    connection.on('error', (error: Error) => {
      if (this.outageReported || this.stopped) return;
      this.outageReported = true;
      this.logger.warn(
        `Registry notices unavailable, relying on the periodic sync until Redis is back: ${error.message}`,
      );
    });
    // ioredis subscribes again by itself after each reconnect.
    connection
      .subscribe(channel)
      .catch((error: unknown) =>
        this.logger.warn(`Could not subscribe to registry notices yet: ${(error as Error).message}`),
      );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const connection = this.connection;
    if (!connection) return;
    // A connection that is not up has nothing to say goodbye to; a QUIT would wait for Redis.
    if (connection.status !== 'ready') return connection.disconnect();
    await withTimeout(connection.quit(), 1000, 'QUIT timed out').catch(() => connection.disconnect());
  }

  private onMessage(message: string): void {
    const notice = parseRegistryNotice(message);
    // Our own notice: this process applied the change before announcing it.
    if (!notice || notice.origin === this.notifier.origin) return;
    this.metrics.received.inc();
    this.requestSync(`${notice.action} of ${notice.model}@${notice.version}`);
  }

  private requestSync(reason: string): void {
    if (this.stopped) return;
    this.syncs
      .request()
      .catch((error: unknown) =>
        this.logger.warn(
          `Registry sync after a notice (${reason}) failed; the periodic sync retries: ${(error as Error).message}`,
        ),
      );
  }
}
