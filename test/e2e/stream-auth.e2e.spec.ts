import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { bearer, createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectStream } from '../helpers/ws-client.js';

// WebSocket calls (stream authentication) are not checked against the OpenAPI document, which describes HTTP only;
// every HTTP call here goes through t.http(), which is.

const FRAME = JSON.stringify({
  id: 'p',
  model: 'sensor-anomaly',
  inputs: [{ temperature: 21, humidity: 45, pressure: 1012 }],
});

/**
 * The stream re-checks each socket's token while it is open (here every 200 ms) and closes it with
 * 1008 on expiry, deactivation or revocation; one user holds at most 2 sockets here.
 */
describe('WS stream: re-checked tokens and per-user caps', () => {
  let t: TestApp;
  let base: string;
  const url = (token: string) => `${base}?token=${token}`;

  beforeAll(async () => {
    t = await createTestApp({ STREAM_AUTH_RECHECK_MS: '200', STREAM_MAX_SOCKETS_PER_USER: '2' });
    base = `${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream`;
  });
  afterAll(() => t.close());

  it('keeps serving a socket whose token stays valid across re-checks', async () => {
    const user = await t.customer('ws_steady');
    const client = await connectStream(url(user.token));
    await new Promise((resolve) => setTimeout(resolve, 700));
    client.socket.send(FRAME);
    expect((await client.next()).predictions).toHaveLength(1);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.socket.close();
  });

  it('closes with 1008 when the user is deactivated', async () => {
    const user = await t.customer('ws_deact');
    const client = await connectStream(url(user.token));
    await t.http().delete(`/api/v1/users/${user.id}`).set(bearer(t.adminToken)).expect(204);
    expect((await client.closed).code).toBe(1008);
  });

  it('closes with 1008 when the password changes (the token is revoked)', async () => {
    const user = await t.customer('ws_revoke');
    const client = await connectStream(url(user.token));
    await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(user.token))
      .send({ password: 'Rotated123', currentPassword: user.password })
      .expect(200);
    expect((await client.closed).code).toBe(1008);
  });

  it('closes with 1008 when the token expires', async () => {
    const user = await t.customer('ws_expiry');
    const short = jwt.sign({ sub: user.id, username: user.username, role: 'customer', ver: 0 }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
      expiresIn: 2,
    });
    const client = await connectStream(url(short));
    client.socket.send(FRAME);
    expect((await client.next()).predictions).toHaveLength(1);
    expect((await client.closed).code).toBe(1008);
  });

  it('caps the sockets one user holds (1008 beyond), leaves other users alone, and frees a slot on close', async () => {
    const user = await t.customer('ws_capped');
    const first = await connectStream(url(user.token));
    const second = await connectStream(url(user.token));
    const third = await connectStream(url(user.token));
    expect(await third.closed).toEqual({ code: 1008, reason: expect.stringContaining('max 2') });
    const other = await connectStream(url((await t.customer('ws_other')).token));
    other.socket.send(FRAME);
    expect((await other.next()).predictions).toHaveLength(1);
    second.socket.send(FRAME);
    expect((await second.next()).predictions).toHaveLength(1);
    first.socket.close();
    await first.closed;
    // The server counts the socket out once its close handshake is done there; retry until then.
    const replacement = await waitFor(async () => {
      const candidate = await connectStream(url(user.token));
      const outcome = await Promise.race([
        candidate.closed,
        new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 300)),
      ]);
      return outcome === 'open' ? candidate : undefined;
    }, 10_000);
    replacement.socket.send(FRAME);
    expect((await replacement.next()).predictions).toHaveLength(1);
    for (const client of [second, other, replacement]) client.socket.close();
  });
});
