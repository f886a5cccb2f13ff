import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RetentionService, type PurgeOutcome } from '../../apps/api/src/retention/retention.service.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

// In-process (createInProcessApp), not the shipped bundle: it runs RetentionService.purge() and reads its outcome (the
// purge CLI covers the process path).

const OLD = '2020-01-01 00:00:00';
const OLD_ISO = '2020-01-01T00:00:00.000Z';

describe('retention purge', () => {
  let t: InProcessApp;
  let customer: { token: string; id: number };
  const count = async (sql: string, parameters: unknown[] = []) =>
    Number((await t.dataSource.query(sql, parameters))[0].n);
  const purge = () => t.app.get(RetentionService).purge() as Promise<PurgeOutcome & { ran: true }>;

  async function insertRecords(rows: number, createdAt?: string): Promise<void> {
    for (let first = 0; first < rows; first += 2000) {
      const size = Math.min(2000, rows - first);
      const values = Array.from({ length: size }, () =>
        createdAt
          ? "('old-model', '1', 'http', NULL, 'h', '[]', 1, 1, NULL, ?)"
          : "('new-model', '1', 'http', NULL, 'h', '[]', 1, 1, NULL)",
      );
      const createdAtColumn = createdAt ? ', createdAt' : '';
      const columns = `model, version, source, userId, inputHash, output, latencyMs, success, error${createdAtColumn}`;
      await t.dataSource.query(
        `INSERT INTO inference_records (${columns}) VALUES ${values.join(',')}`,
        createdAt ? Array(size).fill(createdAt) : [],
      );
    }
  }

  beforeAll(async () => {
    t = await createInProcessApp({
      RETENTION_RECORDS_DAYS: '7',
      RETENTION_READINGS_DAYS: '7',
      RETENTION_JOBS_DAYS: '7',
      RETENTION_IDEMPOTENCY_DAYS: '2',
      RETENTION_ARCHIVED_MODELS_DAYS: '30',
      AUTH_EVENTS_RETENTION_DAYS: '30',
      // Called on demand here; the schedule itself is covered in retention-lock.e2e.spec.ts.
      RETENTION_PURGE_INTERVAL_MS: '0',
      RETENTION_BATCH_SIZE: '1000',
      RETENTION_BATCH_PAUSE_MS: '5',
    });
    customer = await t.customer();
  });
  afterAll(() => t.close());

  it('deletes records, readings and idempotency keys past their retention and keeps recent ones', async () => {
    await insertRecords(2500, OLD);
    await insertRecords(3);
    const readings = [0, 1, 2].map((index) => ({
      timestamp: new Date(Date.now() - index * 60_000).toISOString(),
      sensorId: 's-1',
      temperature: 20,
      humidity: 40,
    }));
    await t
      .http()
      .post('/api/v1/ingest/sensor-readings')
      .set(bearer(customer.token))
      .send([
        ...readings,
        { ...readings[0], timestamp: OLD_ISO },
        { ...readings[0], timestamp: '2025-01-01T00:00:00Z' },
      ])
      .expect(201);
    const product = await t
      .http()
      .post('/api/v1/products')
      .set(bearer(t.adminToken))
      .send({ name: 'Retained', price: 5, sku: 'RET-1', stockQuantity: 100 })
      .expect(201);
    for (const key of ['old-key', 'new-key'])
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(customer.token))
        .set('Idempotency-Key', key)
        .send({ items: [{ productId: product.body.id, quantity: 1 }] })
        .expect(201);
    await t.dataSource.query("UPDATE idempotency_keys SET createdAt = ? WHERE idempotencyKey = 'old-key'", [OLD]);

    const outcome = await purge();
    expect(outcome.ran).toBe(true);
    expect(outcome.report).toMatchObject({ records: 2500, readings: 2, idempotencyKeys: 1 });
    expect(await count("SELECT COUNT(*) AS n FROM inference_records WHERE model = 'old-model'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM inference_records WHERE model = 'new-model'")).toBe(3);
    expect(await count('SELECT COUNT(*) AS n FROM sensor_readings')).toBe(3);
    expect(
      (await t.dataSource.query('SELECT idempotencyKey FROM idempotency_keys')).map(
        (row: { idempotencyKey: string }) => row.idempotencyKey,
      ),
    ).toEqual(['new-key']);
    // The orders themselves are not retention's business.
    expect(await count('SELECT COUNT(*) AS n FROM orders')).toBe(2);
    // Nothing left to do: a second run deletes nothing.
    expect(Object.values((await purge()).report).every((n) => n === 0)).toBe(true);
  });

  it('deletes security events past AUTH_EVENTS_RETENTION_DAYS and keeps recent ones', async () => {
    // The sign-ins of the setup, written behind the requests.
    const recent = await waitFor(async () => (await count('SELECT COUNT(*) AS n FROM auth_events')) || undefined);
    for (let index = 0; index < 3; index += 1)
      await t.dataSource.query("INSERT INTO auth_events (type, address, at) VALUES ('login_failed', '10.0.0.1', ?)", [
        OLD,
      ]);
    expect((await purge()).report.authEvents).toBe(3);
    expect(await count("SELECT COUNT(*) AS n FROM auth_events WHERE address = '10.0.0.1'")).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM auth_events')).toBeGreaterThanOrEqual(recent);
  });

  it('deletes finished jobs past retention, with chunks and results; keeps recent or unfinished ones', async () => {
    const submit = async () =>
      (
        await t
          .http()
          .post('/api/v1/inference/sensor-anomaly/jobs')
          .set(bearer(customer.token))
          .send({ inputs: Array.from({ length: 1200 }, (_, i) => [20 + (i % 10), 40, 1000]) })
          .expect(202)
      ).body.jobId as string;
    const [oldJob, newJob] = [await submit(), await submit()];
    for (const id of [oldJob, newJob])
      await waitFor(async () =>
        (await t.http().get(`/api/v1/inference/jobs/${id}`).set(bearer(customer.token))).body.status === 'succeeded'
          ? true
          : undefined,
      );
    await t.dataSource.query('UPDATE inference_jobs SET finishedAt = ? WHERE id = ?', [OLD_ISO, oldJob]);
    // A job created long ago that has not finished is never purged.
    await t.dataSource.query(
      'INSERT INTO inference_jobs ' +
        '(id, userId, model, version, status, totalRows, processedRows, chunkCount, attempts, createdAt) ' +
        "VALUES ('00000000-0000-4000-8000-00000000abcd', ?, 'nope', '1', 'failed', 1, 0, 0, 1, ?)",
      [customer.id, OLD],
    );

    const outcome = await purge();
    expect(outcome.report).toMatchObject({ jobs: 1, jobResults: 1200 });
    expect(outcome.report.jobChunks).toBeGreaterThan(0);
    for (const table of ['inference_job_results', 'inference_job_chunks', 'inference_jobs']) {
      expect(
        await count(`SELECT COUNT(*) AS n FROM ${table} WHERE ${table === 'inference_jobs' ? 'id' : 'jobId'} = ?`, [
          oldJob,
        ]),
      ).toBe(0);
    }
    await t.http().get(`/api/v1/inference/jobs/${oldJob}`).set(bearer(customer.token)).expect(404);
    const kept = await t.http().get(`/api/v1/inference/jobs/${newJob}/results`).set(bearer(customer.token)).expect(200);
    expect(kept.body.total).toBe(1200);
    // finishedAt NULL (never finished by the runner): kept.
    expect(
      await count("SELECT COUNT(*) AS n FROM inference_jobs WHERE id = '00000000-0000-4000-8000-00000000abcd'"),
    ).toBe(1);
  });

  it('serves every request while purging 50 000 old records', async () => {
    await insertRecords(50_000, OLD);
    let purging = true;
    const purged = purge().finally(() => (purging = false));
    const statuses: number[] = [];
    const load = Array.from({ length: 4 }, async (_, worker) => {
      while (purging) {
        const response =
          worker % 2 === 0
            ? await t
                .http()
                .post('/api/v1/inference/order-value/predict')
                .set(bearer(customer.token))
                .send({ inputs: [[3, 20, 2, 5]] })
            : await t.http().get('/api/v1/inference/records').query({ pageSize: 50 }).set(bearer(t.adminToken));
        statuses.push(response.status);
      }
    });
    const outcome = await purged;
    await Promise.all(load);
    expect(outcome.report.records).toBe(50_000);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM inference_records WHERE model = 'old-model'")).toBe(0);
  });

  it("deletes an archived version's artifact files after its retention and keeps its registry row", async () => {
    const dir = join(t.modelsDir, 'order-value', '1.0.0');
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    await t
      .http()
      .delete('/api/v1/models/order-value/versions/1.0.0')
      .set(bearer(t.adminToken))
      .expect((response) => expect([200, 204]).toContain(response.status));
    expect((await purge()).report.archivedModelArtifacts).toBe(0);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);

    await t.dataSource.query(
      "UPDATE model_versions SET updatedAt = ? WHERE name = 'order-value' AND version = '1.0.0'",
      [OLD],
    );
    expect((await purge()).report.archivedModelArtifacts).toBe(1);
    expect(existsSync(dir)).toBe(false);
    const version = await t
      .http()
      .get('/api/v1/models/order-value/versions/1.0.0')
      .set(bearer(t.adminToken))
      .expect(200);
    expect(version.body.stage).toBe('archived');
    // The deployed sensor model is untouched.
    expect(existsSync(join(t.modelsDir, 'sensor-anomaly', '1.0.0', 'model.json'))).toBe(true);
  });
});
