import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, processEnvironment, startApi, startWorker, type RunningProcess } from '../helpers/app-process.js';
import {
  dashboardQueries,
  dockerHealthcheck,
  dockerRuntimeUser,
  exportedSeriesNames,
  metricNames,
} from '../helpers/observability-files.js';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers/services.js';
import { waitFor } from '../helpers/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { checkedFetch } from '../helpers/validated-request.js';

const run = promisify(execFile);

/** Runs the Dockerfile's HEALTHCHECK command against a local port; resolves to its exit code. */
async function healthcheck(port: number): Promise<number> {
  const [command, ...args] = dockerHealthcheck();
  expect(command).toBe('node');
  return run(process.execPath, args, { env: { ...process.env, PORT: String(port) }, timeout: 10_000 }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? 1,
  );
}

/**
 * The observability profile's dashboard asks only for series the app exports, from the API and
 * from the worker (which serves /metrics and readiness on PORT), and the image's HEALTHCHECK
 * passes on a ready process and fails when nothing answers.
 */
describe('observability: dashboard metrics, worker endpoint, image health check', () => {
  let database: TestDatabase;
  let modelsDir: string;
  let env: Record<string, string>;
  let api: RunningProcess;
  const queries = dashboardQueries();

  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    env = processEnvironment(database.url, modelsDir, { REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}` });
    api = await startApi(env);
  }, 90_000);
  afterAll(async () => {
    await api?.kill('SIGTERM');
    await database?.drop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('covers what operators asked for, and every query names a metric', () => {
    for (const { panel, expr } of queries)
      expect({ panel, names: metricNames(expr).length > 0 }).toEqual({ panel, names: true });
    const used = new Set(queries.flatMap(({ expr }) => metricNames(expr)));
    for (const name of [
      'http_requests_total', // request rate and errors by route
      'http_request_duration_seconds_bucket', // latency by route
      'inference_request_duration_seconds_bucket', // inference latency by model and version
      'inference_batch_size_bucket', // batch size
      'inference_queue_duration_seconds_bucket', // queue time
      'inference_request_failure_total', // failures
      'inference_job_queue_depth', // job queue depth
      'db_pool_connections_in_use', // database pool use
      'process_resident_memory_bytes', // process memory
      'auth_events_total', // security events by type and outcome
      'auth_accounts_under_attack', // accounts past AUTH_SUSPICIOUS_FAILURES
    ]) {
      expect(used).toContain(name);
    }
  });

  it("names only series the API's /metrics exports", async () => {
    const exported = exportedSeriesNames(await (await checkedFetch(`${api.baseUrl}/metrics`)).text());
    const missing = queries.flatMap(({ panel, expr }) =>
      metricNames(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${panel}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("image HEALTHCHECK passes on a ready API, fails when nothing listens; the image doesn't run as root", async () => {
    expect(await healthcheck(Number(new URL(api.baseUrl!).port))).toBe(0);
    expect(await healthcheck(await freePort())).not.toBe(0);
    expect(dockerRuntimeUser()).not.toMatch(/^(root|0)(:|$)/);
  });

  describeWithRedis('the worker app', () => {
    let worker: RunningProcess;
    // Raw fetch to workerUrl: the worker's own bare server (health and metrics) is not described by the
    // API's OpenAPI document; its answers are asserted one by one here.
    let workerUrl: string;

    beforeAll(async () => {
      const port = await freePort();
      workerUrl = `http://127.0.0.1:${port}`;
      worker = startWorker({ ...env, REDIS_URL: TEST_REDIS_URL, PORT: String(port) });
      await waitFor(
        async () => {
          if (worker.child.exitCode !== null || worker.child.signalCode !== null)
            throw new Error(`worker exited:\n${worker.output()}`);
          const response = await fetch(`${workerUrl}/health/ready`).catch(() => undefined);
          return response?.status === 200 ? true : undefined;
        },
        60_000,
        100,
      );
    }, 90_000);
    afterAll(() => worker?.kill('SIGTERM'));

    it('serves /metrics with every series the dashboard asks of the worker job', async () => {
      const response = await fetch(`${workerUrl}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const exported = exportedSeriesNames(await response.text());
      const workerQueries = queries.filter(({ expr }) => expr.includes('worker'));
      expect(workerQueries.length).toBeGreaterThan(0);
      const missing = workerQueries.flatMap(({ panel, expr }) =>
        metricNames(expr)
          .filter((name) => !exported.has(name))
          .map((name) => `${panel}: ${name}`),
      );
      expect(missing).toEqual([]);
    });

    it("answers readiness like the API, 404 elsewhere, and passes the image's HEALTHCHECK", async () => {
      const ready = await (await fetch(`${workerUrl}/health/ready`)).json();
      expect(ready).toMatchObject({
        status: 'ok',
        checks: { database: { status: 'up' }, inference: { status: 'up' } },
      });
      expect(await (await fetch(`${workerUrl}/health`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${workerUrl}/api/v1/users`)).status).toBe(404);
      expect(await healthcheck(Number(new URL(workerUrl).port))).toBe(0);
    });
  });
});
