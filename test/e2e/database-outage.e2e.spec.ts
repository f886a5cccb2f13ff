import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { describeOnMariadb } from '../helpers/services.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A database outage under load: DB-backed routes answer 503 in the error shape (never 500, never a
 * crash), readiness is 503 and liveness stays 200; when the database comes back the app recovers
 * by itself. The app reaches MariaDB through a proxy the test cuts and restores.
 */
describeOnMariadb('database outage (MariaDB)', () => {
  let t: TestApp;
  const proxy = new TcpProxy(
    '127.0.0.1',
    Number(new URL(process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306').port || 3306),
  );

  beforeAll(async () => {
    const port = await proxy.start();
    t = await createTestApp({ DATABASE_POOL_SIZE: '4', __DATABASE_PROXY_PORT__: String(port) });
  });
  afterAll(async () => {
    await proxy.restore();
    await t?.close();
    await proxy.stop();
  });

  it('answers 503 while the database is away and recovers when it is back', async () => {
    const list = () => t.http({ serverErrors: 'expected' }).get('/api/v1/models').set(bearer(t.adminToken));
    await list().expect(200);

    // Load keeps running through the outage.
    const statuses: number[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) statuses.push((await list()).status);
    })();

    await proxy.cut();
    const failed = await waitFor(
      async () => {
        const response = await list();
        return response.status === 503 ? response : undefined;
      },
      20_000,
      50,
    );
    expectErrorShape(failed.body, 503);
    expect(failed.body.message).toBe('The database is unavailable');
    const ready = await t.http().get('/health/ready').expect(503);
    expect(ready.body.checks.database.status).toBe('down');
    await t.http().get('/health').expect(200);

    await proxy.restore();
    await waitFor(async () => ((await list()).status === 200 ? true : undefined), 30_000, 100);
    await t.http().get('/health/ready').expect(200);
    loading = false;
    await load;
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses).toContain(503);
  });
});
