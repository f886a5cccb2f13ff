import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/services.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../apps/api/src/cli/purge.js');
const OLD = '2020-01-01 00:00:00';

async function insertOldRecords(t: TestApp, rows: number): Promise<void> {
  const values = Array.from({ length: rows }, () => "('old-model', '1', 'http', NULL, 'h', '[]', 1, 1, NULL, ?)").join(
    ',',
  );
  await t.dataSource.query(
    'INSERT INTO inference_records ' +
      '(model, version, source, userId, inputHash, output, latencyMs, success, error, createdAt) ' +
      `VALUES ${values}`,
    Array(rows).fill(OLD),
  );
}
const oldRecords = async (t: TestApp) =>
  Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM inference_records WHERE model = 'old-model'"))[0].n);

/** `npm run purge` as a real process on the test's database; its printed JSON. */
async function runPurgeCli(t: TestApp, extra: Record<string, string> = {}): Promise<Record<string, any>> {
  const env = {
    ...process.env,
    DATABASE_URL: t.database.url,
    DATABASE_MIGRATE_ON_BOOT: 'false',
    JWT_SECRET: TEST_JWT_SECRET,
    MODELS_DIR: t.modelsDir,
    LOG_LEVEL: 'error',
    REDIS_URL: '',
    RETENTION_RECORDS_DAYS: '7',
    ...extra,
  };
  const { stdout } = await promisify(execFile)(process.execPath, [CLI], { env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

describeWithRedis('retention purge: one process at a time (Redis lock)', () => {
  let t: TestApp;
  let redis: Redis;
  const prefix = `test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    t = await createTestApp({
      REDIS_URL,
      REDIS_PREFIX: prefix,
      RETENTION_RECORDS_DAYS: '7',
      RETENTION_PURGE_INTERVAL_MS: '0',
    });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  it('skips while another process holds the lock, then purges', async () => {
    await insertOldRecords(t, 500);
    const key = `${prefix}:retention:purge-lock`;
    await redis.set(key, 'another-process', 'PX', 60_000);
    expect(await runPurgeCli(t, { REDIS_URL, REDIS_PREFIX: prefix })).toEqual({ skipped: 'locked' });
    expect(await oldRecords(t)).toBe(500);
    await redis.del(key);
    expect((await runPurgeCli(t, { REDIS_URL, REDIS_PREFIX: prefix })).deleted).toMatchObject({
      records: 500,
      readings: 0,
    });
    expect(await oldRecords(t)).toBe(0);
    // The holder released its own lock.
    expect(await redis.exists(key)).toBe(0);
  });
});

describe('retention purge: scheduled, and one process at a time (database lock on MySQL/MariaDB)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RETENTION_RECORDS_DAYS: '7', RETENTION_PURGE_INTERVAL_MS: '300', REDIS_URL: '' });
  });
  afterAll(() => t.close());

  it('purges on its schedule without being called', async () => {
    await insertOldRecords(t, 300);
    await waitFor(async () => ((await oldRecords(t)) === 0 ? true : undefined));
  });

  it('skips (schedule and CLI) while another process holds GET_LOCK, then purges', async () => {
    const type = t.dataSource.options.type;
    if (type !== 'mysql' && type !== 'mariadb') return; // SQLite serves one process: no cross-process lock.
    const holder = t.dataSource.createQueryRunner('master');
    try {
      // The app's own scheduled run may hold it for a moment: take it between two runs.
      await waitFor(async () =>
        Number((await holder.query("SELECT GET_LOCK(CONCAT('retention-purge:', DATABASE()), 0) AS got"))[0].got) === 1
          ? true
          : undefined,
      );
      await insertOldRecords(t, 400);
      await sleep(1000); // a few scheduled runs, all of which must skip
      expect(await oldRecords(t)).toBe(400);
      expect(await runPurgeCli(t)).toEqual({ skipped: 'locked' });
      await holder.query("SELECT RELEASE_LOCK(CONCAT('retention-purge:', DATABASE()))");
    } finally {
      await holder.release();
    }
    await waitFor(async () => ((await oldRecords(t)) === 0 ? true : undefined));
  });
});
