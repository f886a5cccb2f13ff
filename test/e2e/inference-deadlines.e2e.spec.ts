import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectStream, type StreamClient } from '../helpers/ws-client.js';

const MODEL = 'slow-identity';
const VERSION = '1';
const LABELS = `model="${MODEL}",version="${VERSION}"`;

/**
 * Deadlines and load shedding on the shipped bundle, over /predict, V2 and the stream, with a model
 * that takes about a second per execution (test/fixtures/onnx/slow-identity.onnx, one ONNX worker)
 * and a queue of two: what waits behind a running execution is refused at once when it cannot start
 * in time (503 INFERENCE_OVERLOADED with Retry-After) or dropped when its deadline passes while it
 * waits (504 INFERENCE_DEADLINE_EXCEEDED); neither reaches the model, which the execution counters
 * and the prediction records show. Each step waits on the server's own gauges, not on sleeps.
 */
describe('inference deadlines and load shedding', () => {
  let t: TestApp;
  let stream: StreamClient;
  const admin = () => bearer(t.adminToken);
  /** Sends now (supertest sends on then()) and settles with the response. */
  const send = (request: PromiseLike<Response>) => Promise.resolve(request);
  const predict = (value: number, timeoutMs?: string) => {
    const request = t.http({ serverErrors: 'expected' }).post(`/api/v1/inference/${MODEL}/predict`).set(admin());
    if (timeoutMs !== undefined) void request.set('X-Request-Timeout-Ms', timeoutMs);
    return send(request.send({ inputs: [[value]] }));
  };
  const infer = (value: number, parameters?: Record<string, unknown>) =>
    send(
      t
        .http({ serverErrors: 'expected' })
        .post(`/v2/models/${MODEL}/versions/${VERSION}/infer`)
        .set(admin())
        .send({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [value] }], parameters }),
    );
  const frame = (id: string, timeoutMs?: number) => {
    stream.socket.send(JSON.stringify({ id, model: MODEL, version: VERSION, inputs: [[1]], timeoutMs }));
    return stream.next();
  };
  const metrics = async () => (await t.http().get('/metrics').expect(200)).text;
  /** A metric of the slow version (0 when not yet exported). */
  const metric = async (name: string, extra = '') => {
    const line = (await metrics()).split('\n').find((row) => row.startsWith(`${name}{${LABELS}${extra}} `));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const gaugeReaches = (name: string, value: number) =>
    waitFor(async () => ((await metric(name)) === value ? true : undefined));

  beforeAll(async () => {
    t = await createTestApp({ INFERENCE_QUEUE_DEPTH: '2', INFERENCE_WORKERS: '1' });
    const fields = onnxFields('order-value', VERSION, {
      name: MODEL,
      inputShape: '[1]',
      featureNames: '["x"]',
    });
    await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      onnx: onnxFixture(MODEL),
      fields,
    }).expect(201);
    await t.http().post(`/api/v1/models/${MODEL}/versions/${VERSION}/deploy`).set(admin()).expect(200);
    stream = await connectStream(`${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream?token=${t.adminToken}`);
  });
  afterAll(async () => {
    stream?.close();
    await t.close();
  });

  it('a deadline that cannot be read is a 400 on each route, and nothing runs', async () => {
    for (const value of ['abc', '0', '-5', '3600001', '1.5']) {
      const refused = await predict(1, value);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'X-Request-Timeout-Ms' }] });
    }
    for (const timeout of [-1, 1.5, 'soon', 3_600_000_001]) {
      const refused = await infer(1, { timeout });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(/parameters\.timeout/);
    }
    const bad = await frame('bad', 0);
    expect(bad).toMatchObject({ id: 'bad', error: 'Invalid frame', details: [{ field: 'timeoutMs' }] });
    expect(await metric('inference_executions_total')).toBe(0);
  });

  it('requests whose deadline passes while they wait are dropped before compute: 504', async () => {
    const running = predict(1);
    await gaugeReaches('inference_executions_in_flight', 1);
    // No execution has been observed yet, so both are admitted; the one running takes about a second.
    const [late, lateV2] = await Promise.all([predict(2, '250'), infer(3, { timeout: 250_000 })]);
    expect(late.status).toBe(504);
    expect(late.body).toMatchObject({ statusCode: 504, code: 'INFERENCE_DEADLINE_EXCEEDED' });
    expect(lateV2.status).toBe(504);
    expect(lateV2.body).toEqual({ error: expect.stringMatching(/deadline/) });
    expect((await running).status).toBe(200);
    expect(await metric('inference_executions_total')).toBe(1);
    expect(await metric('inference_executed_rows_total')).toBe(1);
    expect(await metric('inference_requests_shed_total', ',reason="deadline_exceeded"')).toBe(2);
  });

  it('a full queue refuses at once with 503 and Retry-After; the queued requests run as one batch', async () => {
    const running = predict(1);
    await gaugeReaches('inference_executions_in_flight', 1);
    const queued = [predict(2), predict(3)];
    await gaugeReaches('inference_queued_requests', 2);
    const full = await predict(4);
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ code: 'INFERENCE_OVERLOADED', message: expect.stringMatching(/queue is full/) });
    expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await frame('full')).toMatchObject({ id: 'full', code: 'INFERENCE_OVERLOADED' });
    const answers = await Promise.all([running, ...queued]);
    expect(answers.map((answer) => answer.body.predictions)).toEqual([[{ value: 1 }], [{ value: 2 }], [{ value: 3 }]]);
    // The two queued requests left together: three executions in all, four requests.
    expect(await metric('inference_executions_total')).toBe(3);
    expect(await metric('inference_executed_requests_total')).toBe(4);
  });

  it('once compute time is known, a deadline the expected wait passes is refused at once on every route', async () => {
    const running = predict(1);
    await gaugeReaches('inference_executions_in_flight', 1);
    const refused = await predict(2, '100');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      code: 'INFERENCE_OVERLOADED',
      message: expect.stringMatching(/expected wait/),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const refusedV2 = await infer(3, { timeout: 100_000 });
    expect(refusedV2.status).toBe(503);
    expect(refusedV2.body).toEqual({ error: expect.stringMatching(/deadline/) });
    expect(Number(refusedV2.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await frame('late', 100)).toMatchObject({ id: 'late', code: 'INFERENCE_OVERLOADED' });
    expect((await running).status).toBe(200);
    expect(await metric('inference_executions_total')).toBe(4);
    expect(await metric('inference_requests_shed_total', ',reason="overloaded"')).toBe(5);
  });

  it('the stats route and metrics report the average batch size; every refusal is recorded', async () => {
    const stats = await t.http().get('/api/v1/inference/stats').set(admin()).expect(200);
    const version = (stats.body as { model: string }[]).find((row) => row.model === MODEL);
    expect(version).toMatchObject({ executions: 4, averageBatchSize: 1.25 });
    expect(await metric('inference_average_batch_size')).toBe(1.25);
    const records = async (success: boolean) =>
      (
        await t
          .http()
          .get(`/api/v1/inference/records?model=${MODEL}&success=${success}&pageSize=50`)
          .set(admin())
          .expect(200)
      ).body as { total: number; items: { error: string | null }[] };
    // Records are written in the background: wait for all twelve.
    const [failed, served] = await waitFor(async () => {
      const pages = await Promise.all([records(false), records(true)]);
      return pages[0].total + pages[1].total >= 12 ? pages : undefined;
    });
    expect([failed.total, served.total]).toEqual([7, 5]);
    expect(failed.items.filter((row) => /deadline passed/.test(row.error ?? ''))).toHaveLength(2);
    expect(failed.items.filter((row) => /queue is full|expected wait/.test(row.error ?? ''))).toHaveLength(5);
  });

  it('a call the queue would refuse is refused before its body is read; no credential: 401', async () => {
    const running = predict(1);
    await gaugeReaches('inference_executions_in_flight', 1);
    const queued = [predict(2), predict(3)];
    await gaugeReaches('inference_queued_requests', 2);
    const shedBefore = await metric('inference_requests_shed_total', ',reason="overloaded"');
    // Malformed JSON is a 400 once read: a 503 proves it was not.
    const raw = (path: string, headers: Record<string, string>, body = '{"inputs": [[1]') =>
      send(t.http({ serverErrors: 'expected' }).post(path).set(headers).type('json').send(body));
    const unread = await raw(`/api/v1/inference/${MODEL}/predict`, admin());
    expect(unread.status).toBe(503);
    // Answered from the hook, yet exactly as the exception filter answers: the contract's whole shape,
    // and the headers every answer carries.
    expect(unread.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'INFERENCE_OVERLOADED',
      message: expect.stringMatching(/queue is full/),
      path: `/api/v1/inference/${MODEL}/predict`,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestId: unread.headers['x-request-id'],
    });
    expect(unread.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-request-id': expect.any(String) });
    expect(Number(unread.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const unreadV2 = await raw(`/v2/models/${MODEL}/versions/${VERSION}/infer`, admin());
    expect(unreadV2.status).toBe(503);
    expect(unreadV2.body).toEqual({ error: expect.stringMatching(/queue is full/) });
    expect(Number(unreadV2.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The queue's state is for callers with a valid credential: anyone else goes the normal way (a body
    // the route can read, then the guard's 401). A deadline that cannot be read is the route's 400.
    const wellFormed = JSON.stringify({ inputs: [[1]] });
    expect((await raw(`/api/v1/inference/${MODEL}/predict`, { authorization: 'Bearer nope' }, wellFormed)).status).toBe(
      401,
    );
    expect((await raw(`/api/v1/inference/${MODEL}/predict`, {}, wellFormed)).status).toBe(401);
    const badDeadline = await predict(4, 'soon');
    expect(badDeadline.status).toBe(400);
    expect(await metric('inference_requests_shed_total', ',reason="overloaded"')).toBe(shedBefore + 2);
    expect((await Promise.all([running, ...queued])).map((answer) => answer.status)).toEqual([200, 200, 200]);
  });
});
