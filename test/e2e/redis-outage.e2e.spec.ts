import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers/services.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const REDIS = new URL(TEST_REDIS_URL);
const READING = [21.5, 45, 1012];
/** Generous: the bounds under test are 250 ms to 2 s; a request past this one is a hang. */
const HANG_MS = 15_000;

/**
 * Redis (job queue, shared rate limits) cut away from the app under load, first silently (a hung
 * server: nothing answers) then refused (a dead one): no request may hang, rate limiting lets
 * requests through (logged, counted), readiness names Redis, a job submitted meanwhile is accepted
 * and runs once Redis is back.
 */
describeWithRedis('Redis outage', () => {
  const proxy = new TcpProxy(REDIS.hostname, Number(REDIS.port || 6379));
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    await proxy.start();
    t = await createTestApp({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_MAX: '5',
      RATE_LIMIT_USER_MAX: '1000000',
      RATE_LIMIT_TTL_MS: '60000',
      RATE_LIMIT_STORE_TIMEOUT_MS: '250',
      JOB_ENQUEUE_TIMEOUT_MS: '1000',
    });
    token = (await t.customer('redis_outage')).token;
    await waitFor(async () =>
      (await t.http({ serverErrors: 'expected' }).get('/health/ready')).status === 200 ? true : undefined,
    );
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.stop();
  });

  const products = () => t.http().get('/api/v1/products').timeout(HANG_MS);
  const predict = () =>
    t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(token))
      .send({ inputs: [READING] })
      .timeout(HANG_MS);
  const submit = () =>
    t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(token))
      .send({ inputs: [READING, READING, READING] })
      .timeout(HANG_MS);
  const storeErrors = async () =>
    Number(
      /^rate_limit_store_errors_total (\d+)/m.exec((await t.http().get('/metrics').timeout(HANG_MS)).text)?.[1] ??
        'NaN',
    );

  /** A burst of every kind of request; each must answer, none within the hang bound may be lost. */
  async function burst() {
    const calls = Array.from({ length: 12 }, (_, index) => [products, predict, submit][index % 3]());
    const ready = t.http({ serverErrors: 'expected' }).get('/health/ready').timeout(HANG_MS);
    return { responses: await Promise.all(calls), ready: await ready };
  }

  function expectServedWithoutRedis({ responses, ready }: Awaited<ReturnType<typeof burst>>): string[] {
    // The anonymous budget (5) was spent while Redis counted: a 200 now is the limiter failing open.
    expect(responses.map((response) => response.status)).toEqual(
      Array.from({ length: 12 }, (_, index) => [200, 200, 202][index % 3]),
    );
    expect(ready.status).toBe(503);
    expectErrorShape(ready.body, 503);
    expect(ready.body.checks.redis.status).toBe('down');
    expect(ready.body.checks.database.status).toBe('up');
    return responses.filter((response) => response.status === 202).map((response) => response.body.jobId as string);
  }

  it('counts in Redis while it answers', async () => {
    const seen: number[] = [];
    for (let index = 0; index < 6; index += 1) seen.push((await products()).status);
    // Registration spent one call of the address's budget.
    expect(seen).toEqual([200, 200, 200, 200, 429, 429]);
    expect((await t.http().get('/health/ready').expect(200)).body.checks.redis.status).toBe('up');
  });

  it('serves every request while Redis is silent or gone, and runs the jobs once it is back', async () => {
    const errorsBefore = await storeErrors();
    proxy.stall();
    const jobs = expectServedWithoutRedis(await burst());
    await proxy.cut();
    jobs.push(...expectServedWithoutRedis(await burst()));
    expect(await storeErrors()).toBeGreaterThan(errorsBefore);

    await proxy.restore();
    await waitFor(async () =>
      (await t.http({ serverErrors: 'expected' }).get('/health/ready')).status === 200 ? true : undefined,
    );
    for (const jobId of jobs) {
      const done = await waitFor(
        async () => {
          const { body } = await t.http().get(`/api/v1/inference/jobs/${jobId}`).set(bearer(token)).expect(200);
          return body.status === 'succeeded' ? body : undefined;
        },
        40_000,
        200,
      );
      expect(done.processedRows).toBe(3);
    }
    // Counting resumes: the address's budget is still spent in Redis.
    await waitFor(async () => ((await products()).status === 429 ? true : undefined));
  });
});
