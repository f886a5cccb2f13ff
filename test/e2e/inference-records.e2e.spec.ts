import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InferenceRecordWriter } from '@app/serving/inference/records/inference-record.writer.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer, expectErrorShape } from '../helpers/test-app.js';

// In-process (createInProcessApp), not the shipped bundle: it records through InferenceRecordWriter and flushes it on
// demand, and closes an app under a pending write.

describe('inference records and stats', () => {
  let t: InProcessApp;
  let writer: InferenceRecordWriter;
  const admin = () => bearer(t.adminToken);
  const count = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM inference_records'))[0].n);

  beforeAll(async () => {
    t = await createInProcessApp();
    writer = t.app.get(InferenceRecordWriter);
  });
  afterAll(() => t.close());

  it('logs every prediction from HTTP, with its hash and output, off the response path', async () => {
    const customer = await t.customer();
    await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(customer.token))
      .send({ inputs: [{ temperature: 21, humidity: 45, pressure: 1012 }] })
      .expect(200);
    await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(customer.token))
      .send({ inputs: [[1, 2]] })
      .expect(400);
    await writer.flush();
    const page = await t
      .http()
      .get('/api/v1/inference/records')
      .query({ model: 'sensor-anomaly' })
      .set(admin())
      .expect(200);
    expect(page.body.total).toBe(2);
    const [failed, ok] = page.body.items;
    expect(ok).toMatchObject({
      model: 'sensor-anomaly',
      version: '1.0.0',
      source: 'http',
      userId: customer.id,
      success: true,
      inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      latencyMs: expect.any(Number),
    });
    expect(ok.output[0].label).toBe('normal');
    expect(failed).toMatchObject({ success: false, output: null, error: 'row 0: expected 3 values, got 2' });
  });

  it('buffers records: record() returns at once and rows appear after the flush', async () => {
    const before = await count();
    for (let latency = 1; latency <= 100; latency += 1) {
      writer.record({
        model: 'bench-model',
        version: '2.0.0',
        source: 'job',
        userId: null,
        input: [latency],
        output: [{ value: latency }],
        latencyMs: latency,
        success: true,
      });
    }
    for (let index = 0; index < 5; index += 1) {
      writer.record({
        model: 'bench-model',
        version: '2.0.0',
        source: 'job',
        userId: null,
        input: [index],
        output: null,
        latencyMs: 1000,
        success: false,
        error: 'boom',
      });
    }
    const returned = writer.record({
      model: 'bench-model',
      version: '1.0.0',
      source: 'stream',
      userId: null,
      input: { b: 1, a: 2 },
      output: [{ value: 1 }],
      latencyMs: 7,
      success: true,
    });
    // Nothing to await: the caller never waits for the database; the rows are still in memory.
    expect(returned).toBeUndefined();
    expect(writer.bufferedCount).toBe(106);
    await writer.flush();
    expect(writer.bufferedCount).toBe(0);
    expect(await count()).toBe(before + 106);
  });

  it('answers stats per version with counts and nearest-rank percentiles over successes', async () => {
    const stats = await t
      .http()
      .get('/api/v1/inference/stats')
      .query({ model: 'bench-model' })
      .set(admin())
      .expect(200);
    // The records were written by the test, not served here: this process ran no execution of either.
    const notRunHere = { executions: 0, averageBatchSize: null };
    expect(stats.body).toEqual([
      {
        model: 'bench-model',
        version: '1.0.0',
        requestCount: 1,
        errorCount: 0,
        latencyMs: { p50: 7, p95: 7, p99: 7 },
        ...notRunHere,
      },
      {
        model: 'bench-model',
        version: '2.0.0',
        requestCount: 105,
        errorCount: 5,
        latencyMs: { p50: 50, p95: 95, p99: 99 },
        ...notRunHere,
      },
    ]);
  });

  it('limits stats to a time window with since', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await t
      .http()
      .get('/api/v1/inference/stats')
      .query({ model: 'bench-model', since: future })
      .set(admin())
      .expect(200);
    expect(none.body).toEqual([]);
    const past = new Date(Date.now() - 60_000).toISOString();
    const all = await t
      .http()
      .get('/api/v1/inference/stats')
      .query({ model: 'bench-model', since: past })
      .set(admin())
      .expect(200);
    expect(all.body.map((row: { requestCount: number }) => row.requestCount)).toEqual([1, 105]);
    await t.http().get('/api/v1/inference/stats').query({ since: 'yesterday' }).set(admin()).expect(400);
  });

  it('filters and paginates the log, newest first, for admins only', async () => {
    const page = await t
      .http()
      .get('/api/v1/inference/records')
      .query({ model: 'bench-model', version: '2.0.0', pageSize: 10, page: 2 })
      .set(admin())
      .expect(200);
    expect(page.body).toMatchObject({
      total: 105,
      page: 2,
      pageSize: 10,
      totalPages: 11,
      hasNext: true,
      hasPrevious: true,
    });
    // Newest first: the 2.0.0 records were recorded in latency order 1..100, then the 5 failures.
    const first = await t
      .http()
      .get('/api/v1/inference/records')
      .query({ model: 'bench-model', version: '2.0.0', pageSize: 10 })
      .set(admin())
      .expect(200);
    expect(first.body.items.slice(0, 6).map((item: { latencyMs: number }) => item.latencyMs)).toEqual([
      1000, 1000, 1000, 1000, 1000, 100,
    ]);
    expect(page.body.items.map((item: { latencyMs: number }) => item.latencyMs)).toEqual([
      95, 94, 93, 92, 91, 90, 89, 88, 87, 86,
    ]);
    const last = await t
      .http()
      .get('/api/v1/inference/records')
      .query({ model: 'bench-model', version: '2.0.0', pageSize: 10, page: 11 })
      .set(admin())
      .expect(200);
    expect(last.body).toMatchObject({ total: 105, page: 11, totalPages: 11, hasNext: false, hasPrevious: true });
    expect(last.body.items).toHaveLength(5);
    const failures = await t
      .http()
      .get('/api/v1/inference/records')
      .query({ success: false, model: 'bench-model' })
      .set(admin())
      .expect(200);
    expect(failures.body.total).toBe(5);
    expect(failures.body.items[0]).toMatchObject({ success: false, error: 'boom', output: null, source: 'job' });
    const bySource = await t
      .http()
      .get('/api/v1/inference/records')
      .query({ source: 'stream', model: 'bench-model' })
      .set(admin())
      .expect(200);
    expect(bySource.body).toMatchObject({ total: 1, items: [{ version: '1.0.0', latencyMs: 7 }] });
    const customer = await t.customer();
    expectErrorShape(
      (await t.http().get('/api/v1/inference/records').set(bearer(customer.token)).expect(403)).body,
      403,
    );
    await t.http().get('/api/v1/inference/stats').expect(401);
    await t.http().get('/api/v1/inference/records').query({ source: 'carrier-pigeon' }).set(admin()).expect(400);
  });

  it('stores a huge output truncated but readable, and hashes inputs canonically', async () => {
    const big = Array.from({ length: 5000 }, (_, index) => ({
      label: 'normal',
      confidence: 0.5,
      probabilities: { normal: 0.5, anomaly: 0.5 },
      index,
    }));
    writer.record({
      model: 'huge',
      version: '1',
      source: 'http',
      userId: null,
      input: { a: 1, b: 2 },
      output: big,
      latencyMs: 1,
      success: true,
    });
    writer.record({
      model: 'huge',
      version: '1',
      source: 'http',
      userId: null,
      input: { b: 2, a: 1 },
      output: [],
      latencyMs: 1,
      success: true,
    });
    await writer.flush();
    const page = await t.http().get('/api/v1/inference/records').query({ model: 'huge' }).set(admin()).expect(200);
    const truncated = page.body.items.find((item: { output: { truncated?: boolean } }) => item.output.truncated);
    expect(truncated.output).toMatchObject({ truncated: true, rows: 5000 });
    expect(truncated.output.head).toHaveLength(50);
    expect(page.body.items[0].inputHash).toBe(page.body.items[1].inputHash);
  });

  it('writes rows that would not fit their columns in a form that does, without holding up the others', async () => {
    // 50 entries of ~18 KB each: the summary itself must shrink to fit a MySQL TEXT column.
    const wide = Array.from({ length: 200 }, () => ({
      probabilities: Array.from({ length: 1000 }, (_, index) => index / 7),
    }));
    writer.record({
      model: 'edge',
      version: '1',
      source: 'http',
      userId: null,
      input: [1],
      output: wide,
      latencyMs: Number.NaN,
      success: true,
    });
    writer.record({
      model: 'edge',
      version: 'v'.repeat(100),
      source: 'stream',
      userId: null,
      input: [2],
      output: null,
      latencyMs: 1,
      success: false,
      error: 'x'.repeat(100_000),
    });
    writer.record({
      model: 'edge',
      version: '1',
      source: 'http',
      userId: null,
      input: [3n],
      output: null,
      latencyMs: 1,
      success: true,
    });
    writer.record({
      model: 'edge',
      version: '1',
      source: 'http',
      userId: null,
      input: [4],
      output: [{ label: 'ok' }],
      latencyMs: 2,
      success: true,
    });
    await writer.flush();
    expect(writer.bufferedCount).toBe(0);
    const page = await t.http().get('/api/v1/inference/records').query({ model: 'edge' }).set(admin()).expect(200);
    expect(page.body.total).toBe(3);
    const [last, long, summarised] = page.body.items;
    expect(last.output).toEqual([{ label: 'ok' }]);
    expect(long.version).toBe('v'.repeat(64));
    expect(long.error).toHaveLength(2000);
    expect(summarised.output).toMatchObject({ truncated: true, rows: 200 });
    expect(summarised.latencyMs).toBe(0);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/inference_records_dropped_total 1\b/);
    expect(metrics.text).toMatch(/inference_records_buffered 0\b/);
  });

  it('flushes buffered records when the app shuts down', async () => {
    const other = await createInProcessApp();
    other.app.get(InferenceRecordWriter).record({
      model: 'shutdown',
      version: '1',
      source: 'http',
      userId: null,
      input: [1],
      output: [1],
      latencyMs: 1,
      success: true,
    });
    const dataSource = other.dataSource;
    const { DataSource } = await import('typeorm');
    const options = dataSource.options;
    await other.app.close();
    const reader = new DataSource(options);
    await reader.initialize();
    const rows = await reader.query("SELECT COUNT(*) AS n FROM inference_records WHERE model = 'shutdown'");
    await reader.destroy();
    await other.database.drop();
    expect(Number(rows[0].n)).toBe(1);
  });
});
