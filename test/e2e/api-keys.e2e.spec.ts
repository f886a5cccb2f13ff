import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

// WebSocket calls (API keys on the WebSocket stream) are not checked against the OpenAPI document, which
// describes HTTP only; every HTTP call here goes through t.http(), which is.

const READING = { temperature: 21, humidity: 45, pressure: 1012 };
const FRAME = JSON.stringify({ id: 'k', model: 'sensor-anomaly', inputs: [READING] });

function handshakeRefusal(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => reject(new Error('the handshake was accepted')));
    socket.on('error', () => undefined);
  });
}

/** API keys over HTTP and the stream: shown once, hashed, scoped, expiring, revocable, never above their owner. */
describe('API keys', () => {
  let t: TestApp;
  let base: string;
  const admin = () => bearer(t.adminToken);
  const createKey = (token: string, body: Record<string, unknown>) =>
    t.http().post('/api/v1/auth/api-keys').set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp({ STREAM_AUTH_RECHECK_MS: '200' });
    base = `${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream`;
  });
  afterAll(() => t.close());

  it('shows the key once, lists it without the secret, and stores only a hash', async () => {
    const user = await t.customer('key_owner');
    const created = await createKey(user.token, { name: 'batch', scopes: ['predict', 'read'] }).expect(201);
    expect(created.body).toMatchObject({
      name: 'batch',
      scopes: ['predict', 'read'],
      userId: user.id,
      expiresAt: null,
      lastUsedAt: null,
    });
    expect(created.body.key).toMatch(/^ak_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 11));
    const listed = await t.http().get('/api/v1/auth/api-keys').set(bearer(user.token)).expect(200);
    expect(listed.body).toMatchObject({ total: 1, page: 1 });
    expect(listed.body.items[0]).toMatchObject({ id: created.body.id, name: 'batch', prefix: created.body.prefix });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(listed.body.items[0]).not.toHaveProperty('keyHash');
    const rows = await t.dataSource.query('SELECT * FROM api_keys WHERE id = ?', [created.body.id]);
    expect(JSON.stringify(rows)).not.toContain(created.body.key.slice(11));
    expect(rows[0].keyHash).toMatch(/^[0-9a-f]{64}$/);
    // Another user sees none of them.
    const other = await t.customer('key_stranger');
    expect((await t.http().get('/api/v1/auth/api-keys').set(bearer(other.token)).expect(200)).body.total).toBe(0);
  });

  it('authenticates through both headers as its owner, and records its last use', async () => {
    const user = await t.customer('key_user');
    const { key, id } = (await createKey(user.token, { name: 'both', scopes: ['predict', 'read'] }).expect(201)).body;
    const viaBearer = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(key))
      .send({ inputs: [READING] })
      .expect(200);
    expect(viaBearer.body.predictions).toHaveLength(1);
    const viaHeader = await t.http().get('/api/v1/auth/me').set('X-API-Key', key).expect(200);
    expect(viaHeader.body).toMatchObject({ id: user.id, username: 'key_user' });
    const used = await waitFor(async () => {
      const listed = await t.http().get('/api/v1/auth/api-keys').set(bearer(user.token)).expect(200);
      return listed.body.items.find(
        (item: { id: number; lastUsedAt: string | null }) => item.id === id && item.lastUsedAt,
      );
    });
    expect(Date.parse(used.lastUsedAt)).not.toBeNaN();
  });

  it('scopes: read-only cannot predict, predict-only cannot read, no key writes orders or keys (403)', async () => {
    const user = await t.customer('key_scopes');
    const readKey = (await createKey(user.token, { name: 'r', scopes: ['read'] }).expect(201)).body.key;
    const predictKey = (await createKey(user.token, { name: 'p', scopes: ['predict'] }).expect(201)).body.key;
    expect(
      expectErrorShape(
        (
          await t
            .http()
            .post('/api/v1/inference/sensor-anomaly/predict')
            .set(bearer(readKey))
            .send({ inputs: [READING] })
            .expect(403)
        ).body,
        403,
      ).code,
    ).toBe('AUTH_API_KEY_SCOPE');
    await t.http().get('/api/v1/models').set(bearer(readKey)).expect(200);
    await t.http().get('/api/v1/models').set(bearer(predictKey)).expect(403);
    await t
      .http()
      .post('/api/v1/ingest/sensor-readings')
      .set('X-API-Key', predictKey)
      .send([{ timestamp: new Date().toISOString(), sensorId: 's1', temperature: 20, humidity: 40 }])
      .expect(201);
    await t
      .http()
      .post('/api/v1/orders')
      .set(bearer(readKey))
      .send({ items: [{ productId: 1, quantity: 1 }] })
      .expect(403);
    await createKey(readKey, { name: 'minted', scopes: ['read'] }).expect(403);
    await t.http().get('/api/v1/auth/api-keys').set('X-API-Key', readKey).expect(403);
  });

  it('never exceeds its owner: no admin scope for a customer, admin routes need the scope and the role', async () => {
    const user = await t.customer('key_climber');
    expect(
      expectErrorShape((await createKey(user.token, { name: 'x', scopes: ['admin'] }).expect(403)).body, 403).code,
    ).toBe('API_KEY_SCOPE_EXCEEDS_ROLE');
    // An admin may make a key for another user (a service account), within that user's role.
    await createKey(t.adminToken, { name: 'svc', scopes: ['admin'], userId: user.id }).expect(403);
    const service = (await createKey(t.adminToken, { name: 'svc', scopes: ['read'], userId: user.id }).expect(201))
      .body;
    expect(service.userId).toBe(user.id);
    expect((await t.http().get('/api/v1/auth/me').set(bearer(service.key)).expect(200)).body.id).toBe(user.id);
    // A customer may not make keys for someone else.
    await createKey(user.token, { name: 'y', scopes: ['read'], userId: 1 }).expect(403);

    const adminReadKey = (await createKey(t.adminToken, { name: 'ro', scopes: ['read'] }).expect(201)).body.key;
    await t.http().get('/api/v1/users').set(bearer(adminReadKey)).expect(403);
    // A second admin's admin key stops working on admin routes once the admin is demoted.
    await t
      .http()
      .post('/api/v1/users')
      .set(admin())
      .send({ username: 'key_admin2', email: 'key_admin2@example.test', password: 'Admin2345', role: 'admin' })
      .expect(201);
    const admin2 = await t.login('key_admin2', 'Admin2345');
    const adminKey = (await createKey(admin2, { name: 'ops', scopes: ['admin', 'read'] }).expect(201)).body.key;
    await t.http().get('/api/v1/users').set('X-API-Key', adminKey).expect(200);
    const id = (await t.http().get('/api/v1/auth/me').set(bearer(admin2)).expect(200)).body.id;
    await t.http().patch(`/api/v1/users/${id}`).set(admin()).send({ role: 'customer' }).expect(200);
    await t.http().get('/api/v1/users').set('X-API-Key', adminKey).expect(403);
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    const user = await t.customer('key_bad');
    for (const body of [
      { name: 'a', scopes: [] },
      { name: 'a', scopes: ['write'] },
      { name: '', scopes: ['read'] },
      { name: 'a', scopes: ['read'], expiresAt: 'soon' },
      { name: 'a', scopes: ['read'], expiresAt: '2000-01-01T00:00:00Z' },
      { name: 'a', scopes: ['read'], extra: 1 },
    ]) {
      expectErrorShape((await createKey(user.token, body).expect(400)).body, 400);
    }
    expect((await t.http().get('/api/v1/auth/api-keys').set(bearer(user.token)).expect(200)).body.total).toBe(0);
    await t.http().get('/api/v1/auth/me').set('X-API-Key', 'ak_not-a-real-key').expect(401);
    await t
      .http()
      .get('/api/v1/auth/me')
      .set(bearer(`ak_${'A'.repeat(43)}`))
      .expect(401);
  });

  it('stops working once expired (401)', async () => {
    const user = await t.customer('key_expiring');
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const { key } = (await createKey(user.token, { name: 'short', scopes: ['read'], expiresAt }).expect(201)).body;
    await t.http().get('/api/v1/auth/me').set(bearer(key)).expect(200);
    await waitFor(async () => (Date.now() > Date.parse(expiresAt) ? true : undefined));
    expect(expectErrorShape((await t.http().get('/api/v1/auth/me').set(bearer(key)).expect(401)).body, 401).code).toBe(
      'AUTH_API_KEY_INVALID',
    );
  });

  it('revocation: 204, then 401 at once in this process; only the owner or an admin revokes (else 404)', async () => {
    const user = await t.customer('key_revoker');
    const { key, id } = (await createKey(user.token, { name: 'gone', scopes: ['read'] }).expect(201)).body;
    await t.http().get('/api/v1/auth/me').set(bearer(key)).expect(200);
    const stranger = await t.customer('key_thief');
    await t.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(stranger.token)).expect(404);
    await t.http().get('/api/v1/auth/me').set(bearer(key)).expect(200);
    await t.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(user.token)).expect(204);
    await t.http().get('/api/v1/auth/me').set(bearer(key)).expect(401);
    await t.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(user.token)).expect(404);
    expect((await t.http().get('/api/v1/auth/api-keys').set(bearer(user.token)).expect(200)).body.total).toBe(0);
    // An admin may revoke anyone's.
    const other = (await createKey(user.token, { name: 'other', scopes: ['read'] }).expect(201)).body;
    await t.http().delete(`/api/v1/auth/api-keys/${other.id}`).set(admin()).expect(204);
    await t.http().get('/api/v1/auth/me').set('X-API-Key', other.key).expect(401);
  });

  it('a revocation written by another replica (straight to the DB) is honoured once the 5 s cache lapses', async () => {
    const user = await t.customer('key_elsewhere');
    const { key, id } = (await createKey(user.token, { name: 'far', scopes: ['read'] }).expect(201)).body;
    await t.http().get('/api/v1/auth/me').set(bearer(key)).expect(200);
    await t.dataSource.query('UPDATE api_keys SET revokedAt = ? WHERE id = ?', [new Date().toISOString(), id]);
    const refused = await waitFor(
      async () => {
        const response = await t.http().get('/api/v1/auth/me').set(bearer(key));
        return response.status === 401 ? response.status : undefined;
      },
      20_000,
      250,
    );
    expect(refused).toBe(401);
  });

  it('stops working when its owner is deactivated, and hostile key values answer 401, never 500', async () => {
    const user = await t.customer('key_leaver');
    const { key } = (await createKey(user.token, { name: 'leaver', scopes: ['read'] }).expect(201)).body;
    await t.http().get('/api/v1/auth/me').set('X-API-Key', key).expect(200);
    await t.http().delete(`/api/v1/users/${user.id}`).set(admin()).expect(204);
    await t.http().get('/api/v1/auth/me').set('X-API-Key', key).expect(401);
    for (const hostile of [
      'ak_',
      `ak_${'x'.repeat(10_000)}`,
      "ak_' OR 1=1 --------------------------------",
      `ak_${'é'.repeat(43)}`,
      'ak_%00',
      `${key}x`,
      key.slice(0, -1),
    ]) {
      const response = await t.http().get('/api/v1/auth/me').set('X-API-Key', encodeURI(hostile));
      expect(response.status).toBe(401);
      expectErrorShape(response.body, 401);
    }
  });

  it('opens the stream for a predict key (header or ?token=), not read-only; closes it on revocation', async () => {
    const user = await t.customer('key_streamer');
    const readKey = (await createKey(user.token, { name: 'r', scopes: ['read'] }).expect(201)).body.key;
    expect(await handshakeRefusal(base, { 'X-API-Key': readKey })).toBe(403);
    expect(await handshakeRefusal(`${base}?token=ak_${'B'.repeat(43)}`, {})).toBe(401);
    const { key, id } = (await createKey(user.token, { name: 'ws', scopes: ['predict'] }).expect(201)).body;
    const socket = new WebSocket(base, { headers: { 'X-API-Key': key } });
    const replies: Record<string, unknown>[] = [];
    socket.on('message', (data) => replies.push(JSON.parse(data.toString()) as Record<string, unknown>));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(FRAME);
    const reply = await waitFor(async () => replies[0]);
    expect(reply.predictions).toHaveLength(1);
    const viaQuery = new WebSocket(`${base}?token=${key}`);
    const queryClosed = new Promise<number>((resolve) => viaQuery.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => viaQuery.once('open', resolve).once('error', reject));
    await t.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(user.token)).expect(204);
    expect(await closed).toBe(1008);
    expect(await queryClosed).toBe(1008);
  });
});

/** A key's calls count against its owner's per-user budget, shared with the owner's tokens. */
describe('API keys and the rate limiter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_USER_MAX: '4', RATE_LIMIT_MAX: '1000' });
  });
  afterAll(() => t.close());

  it('counts key requests per owner, across keys and tokens', async () => {
    const user = await t.customer('key_limited');
    const first = (
      await t
        .http()
        .post('/api/v1/auth/api-keys')
        .set(bearer(user.token))
        .send({ name: 'a', scopes: ['read'] })
        .expect(201)
    ).body.key;
    const second = (
      await t
        .http()
        .post('/api/v1/auth/api-keys')
        .set(bearer(user.token))
        .send({ name: 'b', scopes: ['read'] })
        .expect(201)
    ).body.key;
    // Two calls spent above; two more within the budget of 4, by two different keys.
    await t.http().get('/api/v1/auth/me').set('X-API-Key', first).expect(200);
    await t.http().get('/api/v1/auth/me').set(bearer(second)).expect(200);
    expect(
      expectErrorShape((await t.http().get('/api/v1/auth/me').set(bearer(first)).expect(429)).body, 429).code,
    ).toBe('RATE_LIMITED');
    await t.http().get('/api/v1/auth/me').set(bearer(user.token)).expect(429);
    // Someone else is not affected.
    await t.http().get('/api/v1/auth/me').set(bearer(t.adminToken)).expect(200);
  });
});
