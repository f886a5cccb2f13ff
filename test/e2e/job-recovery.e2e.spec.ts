import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { processEnvironment, startApi, startWorker, type RunningProcess } from '../helpers/app-process.js';
import { ADMIN } from '../helpers/test-app.js';
import { itWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/services.js';
import { waitFor } from '../helpers/wait-for.js';
import { checkedFetch } from '../helpers/validated-request.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';

const ROWS = 60_000;

/**
 * A killed process loses no accepted job: the job is stopped mid-way with SIGKILL, and the next
 * process (API or worker) finishes it, with every row's result written exactly once.
 */
describe('jobs survive a killed process', () => {
  const running: RunningProcess[] = [];
  let database: TestDatabase | undefined;
  let modelsDir: string | undefined;

  afterEach(async () => {
    await Promise.all(running.splice(0).map((process) => process.kill()));
    await database?.drop();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  async function environment(extra: Record<string, string>): Promise<Record<string, string>> {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    // Small chunks make the job last long enough to be interrupted.
    return processEnvironment(database.url, modelsDir, { JOB_CHUNK_ROWS: '32', ...extra });
  }

  async function submit(api: RunningProcess): Promise<{ token: string; jobId: string; rows: number[][] }> {
    const login = await checkedFetch(`${api.baseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const rows = Array.from({ length: ROWS }, (_, index) => [10 + (index % 40), 20 + (index % 70), 990 + (index % 50)]);
    const response = await checkedFetch(`${api.baseUrl}/api/v1/inference/sensor-anomaly/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ inputs: rows }),
    });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    return { token, jobId, rows };
  }

  const status = async (api: RunningProcess, token: string, jobId: string) =>
    (await (
      await checkedFetch(`${api.baseUrl}/api/v1/inference/jobs/${jobId}`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as {
      status: string;
      processedRows: number;
      totalRows: number;
    };

  async function expectCompleteAndCorrect(api: RunningProcess, token: string, jobId: string, rows: number[][]) {
    const done = await waitFor(
      async () => {
        const current = await status(api, token, jobId);
        return current.status === 'succeeded' || current.status === 'failed' ? current : undefined;
      },
      120_000,
      200,
    );
    expect(done).toMatchObject({ status: 'succeeded', processedRows: ROWS, totalRows: ROWS });
    const last = (await (
      await checkedFetch(`${api.baseUrl}/api/v1/inference/jobs/${jobId}/results?page=${ROWS / 100}&pageSize=100`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as {
      total: number;
      items: { row: number; prediction: unknown }[];
    };
    expect(last.total).toBe(ROWS);
    expect(last.items.map((item) => item.row)).toEqual(Array.from({ length: 100 }, (_, index) => ROWS - 100 + index));
    const sync = (await (
      await checkedFetch(`${api.baseUrl}/api/v1/inference/sensor-anomaly/predict`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ inputs: rows.slice(ROWS - 100) }),
      })
    ).json()) as { predictions: unknown[] };
    expect(last.items.map((item) => item.prediction)).toEqual(sync.predictions);
  }

  async function interruptMidway(api: RunningProcess, victim: RunningProcess, token: string, jobId: string) {
    await waitFor(
      async () => {
        const current = await status(api, token, jobId);
        return current.processedRows > 0 ? true : undefined;
      },
      60_000,
      20,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n--- log ---\n${victim.output().slice(-3000)}`);
    });
    await victim.kill('SIGKILL');
  }

  it('in-process queue: the restarted API finishes the job', async () => {
    const env = await environment({});
    const first = await startApi(env);
    running.push(first);
    const { token, jobId, rows } = await submit(first);
    await interruptMidway(first, first, token, jobId);
    const second = await startApi(env);
    running.push(second);
    const midway = await status(second, token, jobId);
    expect(midway.processedRows).toBeLessThan(ROWS);
    await expectCompleteAndCorrect(second, token, jobId, rows);
  }, 150_000);

  itWithRedis(
    'BullMQ queue: a killed worker app loses nothing; the next worker finishes the job',
    async () => {
      const env = await environment({
        REDIS_URL,
        REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
        JOBS_RUN_IN_API: 'false',
      });
      const api = await startApi(env);
      running.push(api);
      const firstWorker = startWorker(env);
      running.push(firstWorker);
      const { token, jobId, rows } = await submit(api);
      await interruptMidway(api, firstWorker, token, jobId);
      expect((await status(api, token, jobId)).processedRows).toBeLessThan(ROWS);
      const secondWorker = startWorker(env);
      running.push(secondWorker);
      await expectCompleteAndCorrect(api, token, jobId, rows).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n--- worker log ---\n${secondWorker.output().slice(-3000)}`);
      });
    },
    150_000,
  );
});
