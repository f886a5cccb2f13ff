import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { processEnvironment, startApi, type RunningProcess } from '../helpers/app-process.js';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { validatedRequest as request } from '../helpers/validated-request.js';
import { ADMIN, bearer } from '../helpers/test-app.js';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/services.js';
import { waitFor } from '../helpers/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';

/**
 * Two API processes (each also a job worker) on one database and one Redis: a deploy or rollback
 * through one is served by the other within seconds, rate limits are counted together, and every
 * job runs exactly once.
 */
describeWithRedis('scale-out: two API processes, one database, one Redis', () => {
  let database: TestDatabase;
  let modelsDir: string;
  let a: RunningProcess;
  let b: RunningProcess;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    const env = processEnvironment(database.url, modelsDir, {
      REDIS_URL,
      REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      MODEL_SYNC_INTERVAL_MS: '500',
      LOGIN_RATE_LIMIT_MAX: '6',
    });
    a = await startApi(env);
    b = await startApi(env);
    const login = await request(a.baseUrl!)
      .post('/api/v1/auth/token')
      .send({ username: ADMIN.username, password: ADMIN.password })
      .expect(200);
    token = login.body.access_token;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await database?.drop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  const servedVersion = async (api: RunningProcess) =>
    (
      await request(api.baseUrl!)
        .post('/api/v1/inference/sensor-anomaly/predict')
        .set(bearer(token))
        .send({ inputs: [21, 45, 1012] })
    ).body.version as string | undefined;

  it('serves a deploy made through one process from the other within seconds, and a rollback too', async () => {
    await attachUpload(request(a.baseUrl!).post('/api/v1/models').set(bearer(token)), {
      ...sensorArtifact(),
      fields: sensorFields('2.0.0'),
    }).expect(201);
    await request(a.baseUrl!)
      .post('/api/v1/models/sensor-anomaly/versions/2.0.0/deploy')
      .set(bearer(token))
      .expect(200);
    expect(await servedVersion(a)).toBe('2.0.0');
    const started = Date.now();
    await waitFor(async () => ((await servedVersion(b)) === '2.0.0' ? true : undefined), 10_000, 100);
    expect(Date.now() - started).toBeLessThan(10_000);

    await request(b.baseUrl!)
      .post('/api/v1/models/sensor-anomaly/versions/1.0.0/deploy')
      .set(bearer(token))
      .expect(200);
    await waitFor(async () => ((await servedVersion(a)) === '1.0.0' ? true : undefined), 10_000, 100);
  });

  it('counts login attempts against one limit across processes (Redis store)', async () => {
    const attempt = (api: RunningProcess) =>
      request(api.baseUrl!).post('/api/v1/auth/token').send({ username: 'nobody', password: 'Wrong1234' });
    const statuses: number[] = [];
    // One login above already used an attempt from this client.
    for (const api of [a, b, a, b, a]) statuses.push((await attempt(api)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await attempt(b)).status).toBe(429);
    expect((await attempt(a)).status).toBe(429);
  });

  it('runs every job exactly once across the two workers', async () => {
    const rows = Array.from({ length: 2000 }, (_, index) => [15 + (index % 20), 40, 1010]);
    const ids: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const api = index % 2 ? b : a;
      const accepted = await request(api.baseUrl!)
        .post('/api/v1/inference/sensor-anomaly/jobs')
        .set(bearer(token))
        .send({ inputs: rows })
        .expect(202);
      ids.push(accepted.body.jobId);
    }
    for (const id of ids) {
      const done = await waitFor(
        async () => {
          const status = await request(b.baseUrl!).get(`/api/v1/inference/jobs/${id}`).set(bearer(token)).expect(200);
          return status.body.status === 'succeeded' ? status.body : undefined;
        },
        60_000,
        100,
      );
      expect(done.processedRows).toBe(2000);
      const results = await request(a.baseUrl!)
        .get(`/api/v1/inference/jobs/${id}/results`)
        .query({ page: 20, pageSize: 100 })
        .set(bearer(token))
        .expect(200);
      expect(results.body.total).toBe(2000);
      expect(results.body.items.at(-1).row).toBe(1999);
    }
  });
});
