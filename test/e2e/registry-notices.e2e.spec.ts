import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { freePort, processEnvironment, startApi, startWorker, type RunningProcess } from '../helpers/app-process.js';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { ADMIN, bearer } from '../helpers/test-app.js';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/services.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { checkedFetch, validatedRequest } from '../helpers/validated-request.js';

/** The guarantee under test: a registry change through one process is served by the others within this. */
const NOTICE_BOUND_MS = 1000;
const MODEL = 'sensor-anomaly';
const READING = [21, 45, 1012];

/**
 * Registry changes announced over Redis pub/sub. A and B sync with the registry only once a minute,
 * so only a notice can explain B serving A's change within a second. B and C reach Redis through
 * a proxy the test cuts: then C, syncing every 500 ms, converges by its periodic sync alone, and B
 * catches up with a full sync when its subscription comes back. A job worker (W) subscribes too.
 */
describeWithRedis('registry notices: changes through one process reach the others within a second', () => {
  const redis = new URL(REDIS_URL);
  const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
  let database: TestDatabase;
  let modelsDir: string;
  let a: RunningProcess;
  let b: RunningProcess;
  let c: RunningProcess;
  let worker: RunningProcess;
  let workerUrl: string;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    await proxy.start();
    const viaProxy = new URL(REDIS_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const env = processEnvironment(database.url, modelsDir, {
      REDIS_URL,
      REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      MODEL_SYNC_INTERVAL_MS: '60000',
    });
    a = await startApi(env);
    const workerPort = await freePort();
    workerUrl = `http://127.0.0.1:${workerPort}`;
    worker = startWorker({ ...env, PORT: String(workerPort) });
    [b, c] = await Promise.all([
      startApi({ ...env, REDIS_URL: viaProxy.toString() }),
      startApi({ ...env, REDIS_URL: viaProxy.toString(), MODEL_SYNC_INTERVAL_MS: '500' }),
    ]);
    await waitFor(
      async () =>
        // Raw fetch: the worker's own bare server is not described by the API's document.
        (await fetch(`${workerUrl}/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined,
      60_000,
      100,
    );
    token = (
      await validatedRequest(a.baseUrl!)
        .post('/api/v1/auth/token')
        .send({ username: ADMIN.username, password: ADMIN.password })
        .expect(200)
    ).body.access_token;
    await attachUpload(validatedRequest(a.baseUrl!).post('/api/v1/models').set(bearer(token)), {
      ...sensorArtifact(),
      fields: sensorFields('2.0.0'),
    }).expect(201);
  }, 180_000);

  /** Streams a failed test left running, stopped before the processes go. */
  const stopStreams: Array<() => Promise<unknown>> = [];

  afterAll(async () => {
    await Promise.all(stopStreams.map((stop) => stop().catch(() => undefined)));
    await proxy.restore();
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM'), c?.kill('SIGTERM'), worker?.kill('SIGTERM')]);
    await proxy.stop();
    await database?.drop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  const predict = (api: RunningProcess) =>
    checkedFetch(`${api.baseUrl}/api/v1/inference/${MODEL}/predict`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: READING }),
    });
  /** The version `api` serves, or null when it serves none (404). */
  const served = async (api: RunningProcess): Promise<string | null> => {
    const response = await predict(api);
    if (response.status === 404) return null;
    expect(response.status).toBe(200);
    return ((await response.json()) as { version: string }).version;
  };
  const admin = async (action: 'deploy' | 'undeploy', version: string) => {
    const response = await validatedRequest(a.baseUrl!)
      .post(`/api/v1/models/${MODEL}/versions/${version}/${action}`)
      .set(bearer(token));
    if (response.status !== 200)
      throw new Error(
        `${action} ${version} answered ${response.status} ${JSON.stringify(response.body)}; ` +
          `A's log:\n${a.output().slice(-3000)}`,
      );
  };

  /** Time from the admin call's response until `api` serves `expected`, polled as fast as it answers. */
  async function delayUntilServed(api: RunningProcess, expected: string | null, timeoutMs: number): Promise<number> {
    const started = Date.now();
    await waitFor(async () => ((await served(api)) === expected ? true : undefined), timeoutMs, 10);
    return Date.now() - started;
  }

  /** Predicts fired at `api` by a few callers, each one after another, until stopped; every status is kept. */
  function steadyStream(api: RunningProcess, callers = 3) {
    const statuses: number[] = [];
    const versions = new Set<string>();
    let running = true;
    const caller = async () => {
      while (running) {
        const response = await predict(api);
        statuses.push(response.status);
        if (response.status === 200) versions.add(((await response.json()) as { version: string }).version);
        else await response.text();
      }
    };
    const loops = Array.from({ length: callers }, caller);
    return { stop: async () => ((running = false), await Promise.all(loops), { statuses, versions }) };
  }

  // The worker's bare server is not described by the API's document: its metrics are fetched raw.
  const metric = async (baseUrl: string, line: RegExp) => {
    const read = baseUrl === workerUrl ? fetch : checkedFetch;
    return Number(line.exec(await (await read(`${baseUrl}/metrics`)).text())?.[1] ?? 0);
  };
  /** The worker has no predict route: its model_ready gauge says which versions its runtime holds. */
  const workerHolds = async (version: string) =>
    (await metric(
      workerUrl,
      new RegExp(`^model_ready\\{model="${MODEL}",version="${version.replaceAll('.', '\\.')}"\\} (\\d+)`, 'm'),
    )) === 1;

  it('serves a deploy and a rollback through A from B within 1 s, with no failed predict on B meanwhile', async () => {
    // Preconditions, not the guarantee: B and the worker have finished their boot-time load.
    await waitFor(async () => ((await served(b)) === '1.0.0' ? true : undefined), 10_000, 50);
    await waitFor(async () => ((await workerHolds('1.0.0')) ? true : undefined), 10_000, 50);
    const receivedBefore = await metric(b.baseUrl!, /^model_registry_notices_received_total (\d+)/m);
    const stream = steadyStream(b);
    stopStreams.push(stream.stop);
    await admin('deploy', '2.0.0');
    const deployed = Date.now();
    const deployDelay = await delayUntilServed(b, '2.0.0', 10_000);
    await waitFor(async () => ((await workerHolds('2.0.0')) ? true : undefined), 10_000, 10);
    const workerDelay = Date.now() - deployed;
    await admin('deploy', '1.0.0');
    const rollbackDelay = await delayUntilServed(b, '1.0.0', 10_000);
    // The replaced version is freed on B after the switch: keep calling through that too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { statuses, versions } = await stream.stop();
    const allStatuses = statuses.every((status) => status === 200) ? '200' : 'NOT 200';
    console.log(
      `Registry notices: B served A's deploy after ${deployDelay} ms and its rollback after ${rollbackDelay} ms ` +
        `(${statuses.length} predicts on B meanwhile, all ${allStatuses}); ` +
        `the worker held the deployed version after ${workerDelay} ms`,
    );
    expect(deployDelay).toBeLessThan(NOTICE_BOUND_MS);
    expect(rollbackDelay).toBeLessThan(NOTICE_BOUND_MS);
    expect(workerDelay).toBeLessThan(NOTICE_BOUND_MS);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect([...versions].sort()).toEqual(['1.0.0', '2.0.0']);
    expect(
      await metric(a.baseUrl!, /^model_registry_notices_sent_total\{outcome="ok"\} (\d+)/m),
    ).toBeGreaterThanOrEqual(2);
    expect(await metric(b.baseUrl!, /^model_registry_notices_received_total (\d+)/m)).toBeGreaterThanOrEqual(
      receivedBefore + 2,
    );
  });

  it('stops serving on B within 1 s of an undeploy through A', async () => {
    await admin('undeploy', '1.0.0');
    const delay = await delayUntilServed(b, null, 10_000);
    console.log(`Registry notices: B stopped serving after A's undeploy within ${delay} ms`);
    expect(delay).toBeLessThan(NOTICE_BOUND_MS);
    await admin('deploy', '1.0.0');
    await delayUntilServed(b, '1.0.0', 10_000);
  });

  it('serves an alias set and moved through A from B within 1 s, with no failed call by the alias on B', async () => {
    const servedBy = async (api: RunningProcess, version: string) => {
      const response = await checkedFetch(`${api.baseUrl}/api/v1/inference/${MODEL}/predict`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: READING, version }),
      });
      return {
        status: response.status,
        version:
          response.status === 200
            ? ((await response.json()) as { version: string }).version
            : (await response.text(), null),
      };
    };
    const pointAlias = (version: string) =>
      validatedRequest(a.baseUrl!)
        .put(`/api/v1/models/${MODEL}/aliases/champion`)
        .set(bearer(token))
        .send({ version })
        .expect(200);
    const untilAliasServes = async (expected: string) => {
      const started = Date.now();
      await waitFor(async () => ((await servedBy(b, 'champion')).version === expected ? true : undefined), 10_000, 10);
      return Date.now() - started;
    };

    await pointAlias('2.0.0');
    const setDelay = await untilAliasServes('2.0.0');
    const statuses: number[] = [];
    let running = true;
    const callers = Array.from({ length: 3 }, async () => {
      while (running) statuses.push((await servedBy(b, 'champion')).status);
    });
    await pointAlias('1.0.0');
    const moveDelay = await untilAliasServes('1.0.0');
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await Promise.all(callers);
    console.log(
      `Registry notices: B served A's new alias after ${setDelay} ms and its move after ${moveDelay} ms ` +
        `(${statuses.length} calls by the alias on B meanwhile)`,
    );
    expect(setDelay).toBeLessThan(NOTICE_BOUND_MS);
    expect(moveDelay).toBeLessThan(NOTICE_BOUND_MS);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await validatedRequest(a.baseUrl!)
      .delete(`/api/v1/models/${MODEL}/aliases/champion`)
      .set(bearer(token))
      .expect(204);
    await waitFor(async () => ((await servedBy(b, 'champion')).status === 404 ? true : undefined), 10_000, 10);
  });

  it('falls back on the periodic sync while notices cannot arrive, and syncs fully once they can again', async () => {
    await delayUntilServed(c, '1.0.0', 10_000);
    await proxy.cut();
    await admin('deploy', '2.0.0');
    // C hears nothing either, and still converges by its 500 ms sync.
    const fallbackDelay = await delayUntilServed(c, '2.0.0', 10_000);
    // B syncs once a minute: with no notice it keeps the old version.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await served(b)).toBe('1.0.0');
    const restored = Date.now();
    await proxy.restore();
    const catchUpDelay = await delayUntilServed(b, '2.0.0', 15_000);
    console.log(
      `Registry notices cut: C converged by its periodic sync after ${fallbackDelay} ms; ` +
        `B caught up ${Date.now() - restored} ms after Redis came back`,
    );
    expect(catchUpDelay).toBeLessThan(15_000);
    // And notices flow again: a rollback reaches B within the bound.
    await admin('deploy', '1.0.0');
    expect(await delayUntilServed(b, '1.0.0', 10_000)).toBeLessThan(NOTICE_BOUND_MS);
  }, 60_000);
});
