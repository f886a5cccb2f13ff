import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Many writers at once, some failing and rolling back: on SQLite (one shared connection) the units
 * of work must take turns, so nobody's rollback undoes someone else's write.
 */
describe('concurrent writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('keeps every successful write and none of the rolled-back ones', async () => {
    const user = (name: string) => ({ username: name, email: `${name}@example.test`, password: 'Secret123' });
    const reading = (index: number) => ({
      timestamp: new Date(Date.UTC(2026, 1, 1, 0, index)).toISOString(),
      sensorId: 'concurrency',
      temperature: 20,
      humidity: 40,
      pressure: 1010,
    });
    const admin = bearer(t.adminToken);
    const work: Promise<{ status: number }>[] = [];
    for (let index = 0; index < 10; index += 1) {
      work.push(
        t
          .http()
          .post('/api/v1/users/bulk')
          .set(admin)
          .send([user(`ok_${index}_a`), user(`ok_${index}_b`)]),
      );
      // A batch that fails on its second row after inserting nothing permanent.
      work.push(
        t
          .http()
          .post('/api/v1/users/bulk')
          .set(admin)
          .send([user(`bad_${index}`), user('admin')]),
      );
      work.push(
        t
          .http()
          .post('/api/v1/ingest/sensor-readings')
          .set(admin)
          .send(Array.from({ length: 50 }, (_, row) => reading(index * 50 + row))),
      );
      work.push(
        t
          .http()
          .post('/api/v1/auth/register')
          .send(user(`solo_${index}`)),
      );
      // Two batches racing for one new username: both pass the pre-check, one fails inside its
      // transaction on the unique index and must roll back whole.
      work.push(
        t
          .http()
          .post('/api/v1/users/bulk')
          .set(admin)
          .send([user(`race_${index}_x`), user(`shared_${index}`)]),
      );
      work.push(
        t
          .http()
          .post('/api/v1/users/bulk')
          .set(admin)
          .send([user(`race_${index}_y`), user(`shared_${index}`)]),
      );
    }
    const statuses = (await Promise.all(work)).map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    const count = async (sql: string) => Number((await t.dataSource.query(sql))[0].n);
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE username LIKE 'ok!_%' ESCAPE '!'")).toBe(20);
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE username LIKE 'bad!_%' ESCAPE '!'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE username LIKE 'solo!_%' ESCAPE '!'")).toBe(10);
    expect(await count("SELECT COUNT(*) AS n FROM sensor_readings WHERE sensorId = 'concurrency'")).toBe(500);
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE username LIKE 'shared!_%' ESCAPE '!'")).toBe(10);
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE username LIKE 'race!_%' ESCAPE '!'")).toBe(10);
  });
});
