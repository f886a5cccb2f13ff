import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';
import { AuthEventWriter } from '../../apps/api/src/auth-events/auth-event.writer.js';

// In-process (createInProcessApp), not the shipped bundle: it reads the app's DataSource replication
// options and which query runner (master or slave) each read took.
import { describeOnMariadb } from '../helpers/services.js';

/**
 * DATABASE_REPLICA_URLS turns on TypeORM replication: reads go to the replicas, writes and
 * transactions to the primary. Here the primary is also listed as the replica.
 */
describeOnMariadb('read replicas (MariaDB only: SQLite has none)', () => {
  let t: InProcessApp;
  beforeAll(async () => {
    t = await createInProcessApp({ DATABASE_REPLICA_URLS: '__SAME_AS_PRIMARY__' });
  });
  afterAll(() => t?.close());

  it('applies the replication configuration and serves reads and writes', async () => {
    const options = t.dataSource.options as {
      replication?: { master: { database: string }; slaves: { database: string }[] };
    };
    expect(options.replication?.slaves).toHaveLength(1);
    expect(options.replication?.slaves[0].database).toBe(options.replication?.master.database);
    const customer = await t.customer('replica_reader');
    const me = await t.http().get('/api/v1/auth/me').set(bearer(customer.token)).expect(200);
    expect(me.body.username).toBe('replica_reader');
    const list = await t
      .http()
      .get('/api/v1/users')
      .query({ search: 'replica_reader' })
      .set(bearer(t.adminToken))
      .expect(200);
    expect(list.body.total).toBe(1);
  });

  it('reads a product (prebuilt SQL, ProductReadRepository) on a replica, as the query builder reads', async () => {
    const created = (
      await t
        .http()
        .post('/api/v1/products')
        .set(bearer(t.adminToken))
        .send({ name: 'Replica Read', price: '4.00', sku: 'REPLICA-1' })
        .expect(201)
    ).body;
    // The first test's sign-ins are written behind (AuthEventWriter's timer): a flush of them during the
    // reads below would take a master query runner that no read asked for.
    await t.app.get(AuthEventWriter).flush();
    const modes: (string | undefined)[] = [];
    const createQueryRunner = t.dataSource.createQueryRunner.bind(t.dataSource);
    t.dataSource.createQueryRunner = (mode) => {
      modes.push(mode);
      return createQueryRunner(mode);
    };
    try {
      for (const path of [
        `/api/v1/products/${created.id}`,
        `/api/v1/products/by-sku/${created.sku}`,
        `/api/v1/products/by-slug/${created.slug}`,
      ]) {
        expect((await t.http().get(path).expect(200)).body).toEqual({ ...created, category: null });
      }
    } finally {
      delete (t.dataSource as { createQueryRunner?: unknown }).createQueryRunner;
    }
    expect(modes).toEqual(['slave', 'slave', 'slave']);
  });
});
