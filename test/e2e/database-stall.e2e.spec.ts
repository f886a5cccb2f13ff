import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { testEngine } from '../setup/test-database.js';

/** Generous: the bounds under test are 1–2 s; a request past this one is a hang. */
const HANG_MS = 15_000;

/**
 * A database that stops answering (a hung server, a dropped route: connections stay open, nothing
 * comes back) under more concurrent requests than the pool has connections: every request answers
 * 503 in the error shape within its bounds (query timeout for those holding a connection, acquire
 * timeout for those waiting, queue limit for the rest), and the app recovers when the database does.
 */
(testEngine() === 'mariadb' ? describe : describe.skip)('database stall (MariaDB)', () => {
  let t: TestApp;
  const proxy = new TcpProxy(
    '127.0.0.1',
    Number(new URL(process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306').port || 3306),
  );

  beforeAll(async () => {
    const port = await proxy.start();
    t = await createTestApp({
      __DATABASE_PROXY_PORT__: String(port),
      DATABASE_POOL_SIZE: '2',
      DATABASE_POOL_QUEUE_LIMIT: '3',
      DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
      DATABASE_QUERY_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    await proxy.restore();
    await t?.close();
    await proxy.stop();
  });

  it('answers 503 within bounded time while the database hangs, and recovers', async () => {
    const orders = () =>
      t.http({ serverErrors: 'expected' }).get('/api/v1/orders').set(bearer(t.adminToken)).timeout(HANG_MS);
    await orders().expect(200);

    proxy.stall();
    const responses = await Promise.all(Array.from({ length: 12 }, () => orders()));
    for (const response of responses) expectErrorShape(response.body, 503);
    const ready = await t.http({ serverErrors: 'expected' }).get('/health/ready').timeout(HANG_MS);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database.status).toBe('down');

    await proxy.restore();
    await waitFor(async () => ((await orders()).status === 200 ? true : undefined), 30_000, 200);
  });
});
