import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { connectStream } from '../helpers/ws-client.js';

// WebSocket calls (the stream) are not checked against the OpenAPI document, which describes HTTP only;
// every HTTP call here goes through t.http(), which is.

function refusal(url: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => resolve(101));
    socket.on('error', () => undefined);
  });
}

describe('WS /api/v1/inference/stream', () => {
  let t: TestApp;
  let base: string;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp();
    base = `${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream`;
    token = (await t.customer()).token;
  });
  afterAll(() => t.close());

  it('refuses the handshake without a token or with a bad one', async () => {
    expect(await refusal(base)).toBe(401);
    expect(await refusal(`${base}?token=not-a-jwt`)).toBe(401);
  });

  it('answers each frame with predictions that echo its id, equal to the HTTP route', async () => {
    const { socket, next } = await connectStream(`${base}?token=${token}`);
    socket.send(
      JSON.stringify({
        id: 'a1',
        model: 'sensor-anomaly',
        inputs: [{ temperature: 21, humidity: 45, pressure: 1012 }],
      }),
    );
    const reply = await next();
    expect(reply).toMatchObject({ id: 'a1', model: 'sensor-anomaly', version: '1.0.0' });
    expect(reply.predictions[0].label).toBe('normal');
    const http = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set('Authorization', `Bearer ${token}`)
      .send({ inputs: [{ temperature: 21, humidity: 45, pressure: 1012 }] })
      .expect(200);
    expect(reply.predictions).toEqual(http.body.predictions);
    socket.send(JSON.stringify({ id: 7, model: 'order-value', version: 'latest', inputs: [3, 20, 2, 5] }));
    expect(await next()).toMatchObject({ id: 7, model: 'order-value', predictions: [{ value: expect.any(Number) }] });
    socket.close();
  });

  it('answers bad frames with error frames and keeps the socket open', async () => {
    const { socket, next } = await connectStream(`${base}?token=${token}`);
    socket.send('{not json');
    expect(await next()).toEqual({ id: null, error: 'Malformed JSON frame' });
    socket.send(JSON.stringify({ id: 'b', inputs: [1, 2, 3] }));
    const missingModel = await next();
    expect(missingModel).toMatchObject({ id: 'b', error: 'Invalid frame' });
    expect(missingModel.details[0].field).toBe('model');
    socket.send(JSON.stringify({ id: 'c', model: 'sensor-anomaly', inputs: [[1, 2]] }));
    expect(await next()).toMatchObject({ id: 'c', error: 'row 0: expected 3 values, got 2' });
    socket.send(JSON.stringify({ id: 'd', model: 'ghost', inputs: [1] }));
    expect((await next()).error).toMatch(/not found/);
    socket.send(JSON.stringify({ id: 'e', model: 'sensor-anomaly', inputs: [21, 45, 1012] }));
    expect(await next()).toMatchObject({ id: 'e', predictions: [{ label: 'normal' }] });
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it('bounds in-flight frames per client', async () => {
    const { socket, next } = await connectStream(`${base}?token=${token}`);
    const frame = JSON.stringify({
      model: 'sensor-anomaly',
      inputs: Array.from({ length: 512 }, () => [21, 45, 1012]),
    });
    for (let index = 0; index < 80; index += 1) socket.send(frame);
    const replies = [];
    for (let index = 0; index < 80; index += 1) replies.push(await next());
    expect(replies.filter((reply) => reply.predictions).length).toBeGreaterThanOrEqual(32);
    expect(replies.every((reply) => reply.predictions || /in flight/.test(reply.error))).toBe(true);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });
});
