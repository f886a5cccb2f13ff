import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { processEnvironment, startApi, startApiAlive, type RunningProcess } from '../helpers/app-process.js';
import { ADMIN } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { checkedFetch, checkedFetchWith } from '../helpers/validated-request.js';

/**
 * One replica that cannot load a deployed version (its model store lacks the artifact) reports
 * itself not ready for that model and retries; it does not undeploy the version for everyone: the
 * other replica, on the same database, keeps serving it and the registry row stays deployed. When
 * the artifact appears, the broken replica recovers by itself.
 */
describe('a replica with a missing artifact', () => {
  let database: TestDatabase;
  const dirs: string[] = [];
  const running: RunningProcess[] = [];
  let healthy: RunningProcess;
  let broken: RunningProcess;
  let brokenModels: string;
  let healthyModels: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    healthyModels = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    brokenModels = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    dirs.push(healthyModels, brokenModels);
    healthy = await startApi(processEnvironment(database.url, healthyModels, { MODEL_SYNC_INTERVAL_MS: '300' }));
    running.push(healthy);
    broken = await startApiAlive(processEnvironment(database.url, brokenModels, { MODEL_SYNC_INTERVAL_MS: '300' }));
    running.push(broken);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((process) => process.kill()));
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const json = async (process: RunningProcess, path: string, init: RequestInit = {}) => {
    // Readiness answers 503 while a version fails to load: that is what these tests wait for.
    const response = await checkedFetchWith({ serverErrors: 'expected' })(`${process.baseUrl}${path}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const tokenOf = async (process: RunningProcess) =>
    (
      await json(process, '/api/v1/auth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
      })
    ).body.access_token as string;
  const predict = async (process: RunningProcess, token: string) =>
    json(process, '/api/v1/inference/sensor-anomaly/predict', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ inputs: [[21, 45, 1012]] }),
    });
  const failureOf = (body: Record<string, any>) =>
    (body.checks?.inference?.failedModels ?? []).find(
      (failure: { model: string }) => failure.model === 'sensor-anomaly',
    );

  it('stays not ready for the model, retrying, while another replica serves it; the row stays deployed', async () => {
    // Not ready, naming the model; and still retrying (a second attempt comes after the back-off).
    const notReady = await waitFor(
      async () => {
        const ready = await json(broken, '/health/ready');
        return ready.status === 503 && failureOf(ready.body)?.attempts >= 3 ? ready : undefined;
      },
      30_000,
      100,
    );
    expect(notReady.body.checks.inference.status).toBe('down');
    expect(failureOf(notReady.body)).toMatchObject({
      version: '1.0.0',
      reason: expect.any(String),
      retryAt: expect.any(String),
    });
    expect(notReady.body.checks.database.status).toBe('up');
    const metrics = await (await checkedFetch(`${broken.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^model_ready\{model="sensor-anomaly",version="1.0.0"\} 0$/m);
    expect(metrics).toMatch(/^model_load_failures_total\{model="sensor-anomaly",version="1.0.0"\} [3-9]/m);

    // Several sync rounds of the healthy replica have run since: it still serves the version.
    const token = await tokenOf(healthy);
    const row = await json(healthy, '/api/v1/models/sensor-anomaly/versions/1.0.0', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(row.body).toMatchObject({ stage: 'production', deployed: true });
    expect((await predict(healthy, token)).status).toBe(200);
    expect((await json(healthy, '/health/ready')).status).toBe(200);
    expect(await (await checkedFetch(`${healthy.baseUrl}/metrics`)).text()).toMatch(
      /^model_ready\{model="sensor-anomaly",version="1.0.0"\} 1$/m,
    );
    expect((await predict(broken, await tokenOf(broken))).status).toBe(404);
  }, 60_000);

  it('recovers by itself when the artifact appears', async () => {
    cpSync(healthyModels, brokenModels, { recursive: true });
    await waitFor(async () => ((await json(broken, '/health/ready')).status === 200 ? true : undefined), 90_000, 200);
    const token = await tokenOf(broken);
    const [fromBroken, fromHealthy] = [await predict(broken, token), await predict(healthy, token)];
    expect(fromBroken.status).toBe(200);
    expect(fromBroken.body.predictions).toEqual(fromHealthy.body.predictions);
    expect(await (await checkedFetch(`${broken.baseUrl}/metrics`)).text()).toMatch(
      /^model_ready\{model="sensor-anomaly",version="1.0.0"\} 1$/m,
    );
  }, 120_000);
});
