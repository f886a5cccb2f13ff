import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { expectErrorShape } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: it destroys the app's own DataSource, the
// one way to take the database away on SQLite too (database-outage.e2e cuts MariaDB under a process).

describe('health with the database gone', () => {
  let t: InProcessApp;
  beforeAll(async () => {
    t = await createInProcessApp();
  });
  afterAll(() => t.close());

  it('answers readiness 503, naming the database, when the database is gone', async () => {
    await t.dataSource.destroy();
    const response = await t.http().get('/health/ready').expect(503);
    expectErrorShape(response.body, 503);
    expect(response.body.checks.database.status).toBe('down');
    expect(response.body.message).toContain('database');
    await t.dataSource.initialize();
  });
});
