import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import { processEnvironment, startApi, type RunningProcess } from '../helpers/app-process.js';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer, TEST_APP_SETTINGS, testAccounts } from '../helpers/test-app.js';
import { validatedRequest, type ValidationOptions } from '../helpers/validated-request.js';
import { waitFor } from '../helpers/wait-for.js';
import { itOnMariadb } from '../helpers/services.js';
import { createTestDatabase, testEngine, type TestDatabase } from '../setup/test-database.js';

// Three deployed versions: the two shipped TF.js models and an ONNX model of its own name.
const MODELS = {
  'sensor-anomaly@1.0.0': [21.5, 45, 1012],
  'order-value@1.0.0': [3, 20, 2, 5],
  'order-onnx@1.0.0': [3, 20, 2, 5],
} as const;
type Key = keyof typeof MODELS;
const KEYS = Object.keys(MODELS) as Key[];
const nameOf = (key: Key) => key.split('@')[0];
/** Four rows: the batcher's largest batch here, so these calls run at once (never wait for company). */
const fourRows = (key: Key) => Array.from({ length: 4 }, () => [...MODELS[key]]);

interface VersionState {
  key: string;
  resident: boolean;
  bytes: number;
  inUse: number;
}

/**
 * MariaDB: holds the job's chunk rows (a row lock) until the returned release, so the job cannot
 * finish its next chunk and waits between chunks. SQLite: undefined, as its driver is synchronous:
 * a held write lock would stall the whole app, not just the job.
 */
async function holdJobWrites(database: TestDatabase, jobId: string) {
  if (testEngine() === 'sqlite') return undefined;
  const url = new URL(database.url);
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database.name,
  });
  await connection.beginTransaction();
  await connection.query('SELECT chunkIndex FROM inference_job_chunks WHERE jobId = ? FOR UPDATE', [jobId]);
  return async () => {
    await connection.rollback();
    await connection.end();
  };
}

/** One API process over the shared database and model store. */
async function api(database: TestDatabase, modelsDir: string, settings: Record<string, string>) {
  const process = await startApi(processEnvironment(database.url, modelsDir, { ...TEST_APP_SETTINGS, ...settings }));
  const http = (options?: ValidationOptions) => validatedRequest(process.baseUrl!, undefined, options);
  const { adminToken } = await testAccounts(() => http());
  const admin = bearer(adminToken);
  const residency = async () => {
    const ready = await http().get('/health/ready').expect(200);
    return ready.body.checks.inference.residency as { budgetBytes: number | null; versions: VersionState[] };
  };
  const versionOf = async (key: Key) => (await residency()).versions.find((v) => v.key === key)!;
  const metric = async (name: string, key: Key, source?: string) => {
    const text = (await http().get('/metrics').expect(200)).text;
    const [model, version] = key.split('@');
    const labels = `model="${model}",version="${version}"${source ? `,source="${source}"` : ''}`;
    const line = new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text);
    return line ? Number(line[1]) : 0;
  };
  const predict = (key: Key, inputs: number[][] = fourRows(key), options?: ValidationOptions) =>
    http(options)
      .post(`/api/v1/inference/${nameOf(key)}/predict`)
      .set(admin)
      .send({ inputs, version: '1.0.0' });
  return { process, http, admin, residency, versionOf, metric, predict };
}

/**
 * Under INFERENCE_MEMORY_BUDGET_MB, deployed versions beyond the budget stay deployed but are
 * evicted least recently used and loaded again by their next call; a version a job holds is never
 * evicted; concurrent calls for an evicted version share one load; a version larger than the
 * budget answers 503 with Retry-After. The budget is set from the bytes a first process measured.
 */
describe('serving under a memory budget', () => {
  let database: TestDatabase;
  let modelsDir: string;
  let bytes: Record<string, number>;
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    // Unbounded: deploy the ONNX model and read what each version measures.
    const first = await api(database, modelsDir, { INFERENCE_MAX_BATCH: '4' });
    running.push(first.process);
    await attachUpload(first.http().post('/api/v1/models').set(first.admin), {
      onnx: onnxFixture('order-value'),
      fields: onnxFields('order-value', '1.0.0', { name: 'order-onnx' }),
    }).expect(201);
    await first.http().post('/api/v1/models/order-onnx/versions/1.0.0/deploy').set(first.admin).expect(200);
    const { budgetBytes, versions } = await first.residency();
    expect(budgetBytes).toBeNull();
    expect(versions.map((v) => v.key).sort()).toEqual([...KEYS].sort());
    expect(versions.every((v) => v.resident && v.bytes > 0)).toBe(true);
    bytes = Object.fromEntries(versions.map((v) => [v.key, v.bytes]));
    await first.process.kill('SIGTERM');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((process) => process.kill()));
    await database?.drop();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  /** Any two of the three fit; all three do not. */
  const twoOfThreeMb = () => {
    const total = KEYS.reduce((sum, key) => sum + bytes[key], 0);
    return ((total - Math.min(...Object.values(bytes)) / 2) / (1024 * 1024)).toFixed(6);
  };

  describe('a budget that holds two of three', () => {
    let app: Awaited<ReturnType<typeof api>>;

    beforeAll(async () => {
      app = await api(database, modelsDir, {
        INFERENCE_MEMORY_BUDGET_MB: twoOfThreeMb(),
        // A lone one-row request waits a second for company: a job of one-row chunks stays in flight.
        INFERENCE_MAX_BATCH: '4',
        INFERENCE_MAX_DELAY_US: '1000000',
        JOB_CHUNK_ROWS: '1',
      });
      running.push(app.process);
    }, 120_000);

    it('serves round-robin calls on all three, evicting and loading again, and says which are resident', async () => {
      // Whatever the boot left resident, the first key is now the one out.
      for (const key of KEYS.slice(1)) await app.predict(key).expect(200);
      const evictionsBefore = await Promise.all(KEYS.map((key) => app.metric('model_evictions_total', key)));
      for (let round = 0; round < 2; round += 1)
        for (const key of KEYS) {
          const served = await app.predict(key).expect(200);
          expect(served.body).toMatchObject({ model: nameOf(key), version: '1.0.0' });
          expect(served.body.predictions).toHaveLength(4);
          const { versions } = await app.residency();
          expect(versions.filter((v) => v.resident).map((v) => v.key)).toHaveLength(2);
          expect(versions.find((v) => v.key === key)?.resident).toBe(true);
        }
      const evictionsAfter = await Promise.all(KEYS.map((key) => app.metric('model_evictions_total', key)));
      // Round robin over three with room for two: every call evicted the least recently used.
      expect(evictionsAfter.reduce((a, b) => a + b, 0) - evictionsBefore.reduce((a, b) => a + b, 0)).toBe(6);
      for (const key of KEYS) {
        expect(await app.metric('model_loads_total', key)).toBeGreaterThanOrEqual(2);
        const { resident } = await app.versionOf(key);
        expect(await app.metric('model_resident_bytes', key)).toBe(resident ? bytes[key] : 0);
        const ready = app
          .http({ serverErrors: 'expected' })
          .get(`/v2/models/${nameOf(key)}/versions/1.0.0/ready`)
          .set(app.admin);
        if (resident) await ready.expect(200);
        else expect((await ready.expect(503).expect('Retry-After', '1')).body.error).toMatch(/not resident/);
      }
    }, 60_000);

    // MariaDB only: there the test holds the job between its chunks (a row lock on the writes a chunk
    // needs), so the job is certainly still running while the others load. SQLite's driver is
    // synchronous, so holding its write lock would freeze the whole app, and a job of one-row chunks
    // finishes before the others need room. The pin itself is tested in libs/inference/src/residency.spec.ts.
    itOnMariadb(
      'never evicts the version a job holds between its chunks, however often the others need room',
      async () => {
        const held: Key = 'sensor-anomaly@1.0.0';
        const others = KEYS.filter((key) => key !== held);
        const jobCalls = () => app.metric('inference_request_success_total', held, 'job');
        const callsBefore = await jobCalls();
        const rows = Array.from({ length: 60 }, () => [...MODELS[held]]);
        const job = await app
          .http()
          .post(`/api/v1/inference/${nameOf(held)}/jobs`)
          .set(app.admin)
          .send({ inputs: rows, version: '1.0.0' })
          .expect(202);
        const jobId = job.body.jobId as string;
        // Once the job holds its version, hold the database writes it needs to finish a chunk (MariaDB):
        // its next chunk's prediction ends and the job waits between chunks, holding only its pin. On
        // SQLite each one-row chunk waits a second in the batcher, holding its lease too.
        await waitFor(async () => ((await app.versionOf(held)).inUse > 0 ? true : undefined), 30_000, 20);
        const releaseWrites = await holdJobWrites(database, jobId);
        try {
          if (releaseWrites) {
            await waitFor(async () => ((await jobCalls()) > callsBefore ? true : undefined), 30_000, 20);
            expect(await app.versionOf(held)).toMatchObject({ resident: true, inUse: 1 });
          }
          const evictionsBefore = await app.metric('model_evictions_total', held);
          // The held version is the least recently used now: without the pin it would go first.
          for (let round = 0; round < 3; round += 1)
            for (const key of others) {
              await app.predict(key).expect(200);
              expect(await app.versionOf(held)).toMatchObject({ resident: true });
            }
          expect(await app.metric('model_evictions_total', held)).toBe(evictionsBefore);
        } finally {
          await releaseWrites?.();
        }
        const during = await app.http().get(`/api/v1/inference/jobs/${jobId}`).set(app.admin).expect(200);
        expect(during.body.status).toBe('running');
        await app.http().delete(`/api/v1/inference/jobs/${jobId}`).set(app.admin).expect(200);
        // Released at the end of its current chunk: then it is evictable like any other.
        await waitFor(async () => ((await app.versionOf(held)).inUse === 0 ? true : undefined), 30_000, 50);
        const evictionsAfterJob = await app.metric('model_evictions_total', held);
        for (const key of others) await app.predict(key).expect(200);
        expect(await app.metric('model_evictions_total', held)).toBe(evictionsAfterJob + 1);
      },
      120_000,
    );

    it('shares one load among concurrent calls for an evicted version', async () => {
      const { versions } = await app.residency();
      const cold = versions.find((v) => !v.resident)!.key as Key;
      const loadsBefore = await app.metric('model_loads_total', cold);
      const answers = await Promise.all(Array.from({ length: 6 }, () => app.predict(cold)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      expect(await app.metric('model_loads_total', cold)).toBe(loadsBefore + 1);
    }, 60_000);
  });

  describe('a budget smaller than any version', () => {
    let app: Awaited<ReturnType<typeof api>>;

    beforeAll(async () => {
      app = await api(database, modelsDir, { INFERENCE_MEMORY_BUDGET_MB: '0.001', INFERENCE_MAX_BATCH: '4' });
      running.push(app.process);
    }, 120_000);

    it('keeps the versions deployed and ready, and answers their calls 503 with Retry-After', async () => {
      const { budgetBytes, versions } = await app.residency();
      expect(budgetBytes).toBe(Math.floor(0.001 * 1024 * 1024));
      expect(versions.map((v) => [v.key, v.resident])).toEqual(expect.arrayContaining(KEYS.map((key) => [key, false])));
      for (const key of KEYS) {
        const refused = await app.predict(key, fourRows(key), { serverErrors: 'expected' }).expect(503);
        expect(refused.headers['retry-after']).toBe('1');
        expect(refused.body).toMatchObject({ statusCode: 503, code: 'MODEL_OVER_MEMORY_BUDGET' });
      }
      const v2 = await app
        .http({ serverErrors: 'expected' })
        .post('/v2/models/order-onnx/versions/1.0.0/infer')
        .set(app.admin)
        .send({ inputs: [{ name: 'dense_Dense4_input', shape: [1, 4], datatype: 'FP32', data: [3, 20, 2, 5] }] })
        .expect(503);
      expect(v2.headers['retry-after']).toBe('1');
      expect(v2.body.error).toMatch(/memory budget/);
    }, 60_000);
  });
});
