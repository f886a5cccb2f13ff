import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@app/config';

/**
 * The Redis connections of a process (REDIS_URL), closed at shutdown.
 *
 * `client` serves the job queue: BullMQ in native ESM wants a constructed client, and its workers
 * need `maxRetriesPerRequest: null`, so its commands wait (in ioredis's offline queue) through an
 * outage and complete once Redis is back. Callers on a request path must bound that wait themselves.
 *
 * `fastClient` serves what must never wait on Redis (rate-limit counters, the readiness ping): no
 * offline queue, no retries and a command timeout, so while Redis is down or silent a command fails
 * within `commandTimeoutMs` instead of piling up in memory behind a dead connection.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;
  readonly fastClient: Redis;
  readonly prefix: string;

  constructor(config: AppConfig) {
    const redis = config.redis;
    if (!redis) throw new Error('RedisConnection needs REDIS_URL');
    this.client = new Redis({ ...redis.connection, maxRetriesPerRequest: null });
    this.fastClient = new Redis({
      ...redis.connection,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.rateLimit.storeTimeoutMs,
      connectTimeout: 2000,
    });
    // Errors are reported by the commands that fail; without a listener ioredis logs each reconnect attempt.
    this.fastClient.on('error', () => undefined);
    this.prefix = redis.prefix;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client, this.fastClient].map((client) => client.quit().catch(() => client.disconnect())));
  }
}

@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
