import { randomBytes } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { RedisConnection } from '@app/platform';

/** A lock that outlives a crashed holder by at most this long (Redis); refreshed after every batch. */
const REDIS_LOCK_TTL_MS = 60_000;

export interface HeldLock {
  /** Keeps the lock alive during a long purge (Redis); a no-op elsewhere. */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

const REFRESH =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * One purge at a time across every process sharing the data: with Redis, `SET NX PX` on a key of
 * this deployment's prefix (released only by its holder's token); without it, MySQL/MariaDB's
 * `GET_LOCK` named after the database, held by a connection of its own (the server frees it if
 * the process dies); on SQLite, which serves one process, a flag in this process.
 */
@Injectable()
export class PurgeLock {
  private heldLocally = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly redis?: RedisConnection,
  ) {}

  /** The lock, or undefined at once when another purge holds it (never waits). */
  async tryAcquire(): Promise<HeldLock | undefined> {
    if (this.redis) return this.redisLock(this.redis);
    const type = this.dataSource.options.type;
    if (type === 'mysql' || type === 'mariadb') return this.mysqlLock();
    if (this.heldLocally) return undefined;
    this.heldLocally = true;
    return { refresh: async () => undefined, release: async () => void (this.heldLocally = false) };
  }

  private async redisLock(redis: RedisConnection): Promise<HeldLock | undefined> {
    const key = `${redis.prefix}:retention:purge-lock`;
    const token = randomBytes(16).toString('hex');
    if ((await redis.client.set(key, token, 'PX', REDIS_LOCK_TTL_MS, 'NX')) !== 'OK') return undefined;
    return {
      refresh: async () => void (await redis.client.eval(REFRESH, 1, key, token, REDIS_LOCK_TTL_MS)),
      release: async () => void (await redis.client.eval(RELEASE, 1, key, token)),
    };
  }

  private async mysqlLock(): Promise<HeldLock | undefined> {
    const runner: QueryRunner = this.dataSource.createQueryRunner('master');
    try {
      const [row] = await runner.query("SELECT GET_LOCK(CONCAT('retention-purge:', DATABASE()), 0) AS got");
      if (Number(row.got) !== 1) {
        await runner.release();
        return undefined;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    return {
      refresh: async () => undefined,
      release: async () => {
        try {
          await runner.query("SELECT RELEASE_LOCK(CONCAT('retention-purge:', DATABASE()))");
        } finally {
          await runner.release();
        }
      },
    };
  }
}
