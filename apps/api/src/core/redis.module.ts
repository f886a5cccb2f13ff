import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

/**
 * The one Redis connection of a process (REDIS_URL), shared by the job queue and the rate-limit
 * store, and closed at shutdown. BullMQ in native ESM wants a constructed client, and its workers
 * need `maxRetriesPerRequest: null`.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;
  readonly prefix: string;

  constructor(config: AppConfig) {
    const redis = config.redis;
    if (!redis) throw new Error('RedisConnection needs REDIS_URL');
    this.client = new Redis({ ...redis.connection, maxRetriesPerRequest: null });
    this.prefix = redis.prefix;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
