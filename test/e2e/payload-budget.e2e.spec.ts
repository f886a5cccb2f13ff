import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PayloadBudget } from '@app/config';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { bearer, expectErrorShape } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectStream } from '../helpers/ws-client.js';

// In-process (createInProcessApp), not the shipped bundle: it reads the PayloadBudget provider's held bytes to prove
// the budget is returned.

const PREDICT = '/api/v1/inference/sensor-anomaly/predict';
/** About 13 KB as a frame: more than the 64 KB budget has left while 60 KB are held. */
const FRAME_ROWS = Array.from({ length: 1000 }, () => [21, 45, 1012]);
const rowsOfBytes = (bytes: number) =>
  JSON.stringify({ inputs: Array.from({ length: Math.ceil(bytes / 16) }, () => [21, 45, 1012]) });

/**
 * Large bodies and frames share one byte budget (here 64 KB; bodies above 1 KB count). A request
 * that does not fit is answered 503 with Retry-After before its body is read; small ones pass.
 */
describe('payload budget for large bodies and frames', () => {
  let t: InProcessApp;
  let token: string;
  let port: number;
  let budget: PayloadBudget;

  beforeAll(async () => {
    t = await createInProcessApp({ LARGE_BODY_THRESHOLD: '1kb', LARGE_BODY_BUDGET: '64kb' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    budget = t.app.get(PayloadBudget);
    token = (await t.customer()).token;
  });
  afterAll(() => t.close());

  /** Starts a predict whose body never finishes arriving: it holds `bytes` of the budget. */
  async function holdBudget(bytes: number): Promise<Socket> {
    // A claim of the previous test may still be giving itself back: start from an empty budget.
    await waitFor(async () => (budget.inFlight === 0 ? true : undefined), 5000, 10);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(
      `POST ${PREDICT} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n{"inputs":[`,
    );
    await waitFor(async () => (budget.inUseBytes >= bytes ? true : undefined), 5000, 10);
    return socket;
  }

  it('answers 503 with Retry-After while the budget is taken, serves small bodies, and recovers', async () => {
    const held = await holdBudget(60_000);
    try {
      await whileHeld();
    } finally {
      held.destroy();
    }
  });

  async function whileHeld(): Promise<void> {
    const refused = await t
      .http()
      .post(PREDICT)
      .set(bearer(token))
      .send(rowsOfBytes(8_000))
      .set('Content-Type', 'application/json')
      .expect(503);
    expectErrorShape(refused.body, 503);
    expect(refused.headers['retry-after']).toBe('1');
    // Small bodies (at or below the threshold) and other routes are not counted.
    await t
      .http()
      .post(PREDICT)
      .set(bearer(token))
      .send({ inputs: [21, 45, 1012] })
      .expect(200);
    await t
      .http()
      .post('/api/v1/ingest/sensor-readings')
      .set(bearer(token))
      .send([{ timestamp: '2026-01-01T00:00:00Z', sensorId: 's', temperature: 1, humidity: 2 }])
      .expect(201);

    // A stream frame needs budget too: it gets an error frame, the socket stays open.
    const client = await connectStream(`ws://127.0.0.1:${port}/api/v1/inference/stream?token=${token}`);
    client.socket.send(JSON.stringify({ id: 1, model: 'sensor-anomaly', inputs: FRAME_ROWS }));
    expect(await client.next()).toEqual({ id: null, error: expect.stringMatching(/^Server busy/) });

    client.close();
  }

  it('gives a claim back when its connection goes away', async () => {
    const held = await holdBudget(60_000);
    held.destroy();
    await waitFor(async () => (budget.inFlight === 0 ? true : undefined), 5000, 10);
    const served = await t
      .http()
      .post(PREDICT)
      .set(bearer(token))
      .send(rowsOfBytes(8_000))
      .set('Content-Type', 'application/json');
    expect(served.status).toBe(200);
    const client = await connectStream(`ws://127.0.0.1:${port}/api/v1/inference/stream?token=${token}`);
    client.socket.send(JSON.stringify({ id: 2, model: 'sensor-anomaly', inputs: FRAME_ROWS }));
    expect(await client.next()).toMatchObject({ id: 2, predictions: expect.any(Array) });
    client.close();
  });

  it('gives every claim back: after many concurrent large bodies and frames nothing stays in flight', async () => {
    const body = rowsOfBytes(8_000);
    const statuses = await Promise.all(
      Array.from({ length: 24 }, () =>
        t
          .http({ serverErrors: 'expected' })
          .post(PREDICT)
          .set(bearer(token))
          .set('Content-Type', 'application/json')
          .send(body)
          .then((response) => response.status),
      ),
    );
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(statuses).toContain(200);
    const client = await connectStream(`ws://127.0.0.1:${port}/api/v1/inference/stream?token=${token}`);
    for (let index = 0; index < 20; index += 1)
      client.socket.send(JSON.stringify({ id: index, model: 'sensor-anomaly', inputs: FRAME_ROWS }));
    for (let index = 0; index < 20; index += 1) await client.next();
    client.close();
    await waitFor(async () => (budget.inFlight === 0 && budget.inUseBytes === 0 ? true : undefined), 5000, 10);
  });
});
