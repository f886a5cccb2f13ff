import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { adminEvents, storedEventText } from '../helpers/auth-events.js';
import { bearer, createTestApp, expectErrorShape, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 26: every security event type is triggered over HTTP and read back from
 * GET /api/v1/auth/events (and the caller's own from /auth/me/events), on the engine TEST_DB picks.
 */
describe('security events: one per sign-in, refusal and access change, read back from the routes', () => {
  let t: TestApp;
  let adminId: number;
  /** Every password, token and key these tests send: none may appear in a stored event. */
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    adminId = (await t.http().get('/api/v1/auth/me').set(bearer(t.adminToken)).expect(200)).body.id;
    secrets.push(t.adminToken);
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, status: number) =>
    t.http().post('/api/v1/auth/token').set('User-Agent', 'audit-test/1.0').send({ username, password }).expect(status);
  const patchUser = (token: string, id: number, body: Record<string, unknown>) =>
    t.http().patch(`/api/v1/users/${id}`).set(bearer(token)).send(body).expect(200);

  it('records sign-ins and failed ones with the reason kept internal, the same 401 for every reason', async () => {
    const user = await t.customer('ev_login');
    secrets.push(user.password, user.token);
    const [succeeded] = await adminEvents(t, { type: 'login_succeeded', userId: user.id });
    expect(succeeded).toMatchObject({ subjectUserId: user.id, actorId: null, address: '127.0.0.1' });
    expect(succeeded.requestId).toEqual(expect.any(String));

    const wrong = await login(user.username, 'Wrong-Password-1', 401);
    const unknown = await login('nobody_here', 'Whatever-123', 401);
    secrets.push('Wrong-Password-1', 'Whatever-123');
    await t.http().delete(`/api/v1/users/${user.id}`).set(bearer(t.adminToken)).expect(204);
    const inactive = await login(user.username, user.password, 401);
    for (const response of [wrong, unknown, inactive]) {
      expect(expectErrorShape(response.body, 401).code).toBe('AUTH_INVALID_CREDENTIALS');
      expect(JSON.stringify(response.body)).not.toMatch(/unknown_account|wrong_password|inactive/);
    }
    const failed = await adminEvents(t, { type: 'login_failed' }, (items) => items.length >= 3);
    const reasons = failed.map((event) => [event.details?.reason, event.subjectUserId, event.details?.login]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        ['wrong_password', user.id, user.username],
        ['unknown_account', null, 'nobody_here'],
        ['inactive', user.id, user.username],
      ]),
    );
    expect(failed[0].userAgent).toBe('audit-test/1.0');
    const [deactivated] = await adminEvents(t, { type: 'user_deactivated', userId: user.id });
    expect(deactivated).toMatchObject({ actorId: adminId, subjectUserId: user.id });
  });

  it('records refused tokens by reason: bad signature, expired, revoked by a password change', async () => {
    const user = await t.customer('ev_tokens');
    const forged = jwt.sign({ sub: user.id, username: user.username, role: 'admin', ver: 0 }, 'x'.repeat(40));
    const expired = jwt.sign(
      { sub: user.id, username: user.username, role: 'customer', ver: 0, exp: 1_000_000 },
      TEST_JWT_SECRET,
    );
    secrets.push(user.password, user.token, forged, expired);
    for (const token of [forged, expired])
      expectErrorShape((await t.http().get('/api/v1/auth/me').set(bearer(token)).expect(401)).body, 401);
    await patchUser(user.token, user.id, { password: 'Changed-Pass-2', currentPassword: user.password });
    secrets.push('Changed-Pass-2');
    await t.http().get('/api/v1/auth/me').set(bearer(user.token)).expect(401);

    const rejected = await adminEvents(t, { type: 'token_rejected' }, (items) => items.length >= 3);
    expect(rejected.map((event) => [event.details?.reason, event.subjectUserId])).toEqual(
      expect.arrayContaining([
        ['bad_signature', null],
        ['expired', user.id],
        ['revoked', user.id],
      ]),
    );
    const [changed] = await adminEvents(t, { type: 'password_changed', userId: user.id });
    expect(changed).toMatchObject({ actorId: user.id, subjectUserId: user.id, details: null });
  });

  it('records email, username and role changes, deactivation and reactivation, with actor and subject', async () => {
    const user = await t.customer('ev_changes');
    secrets.push(user.password, user.token);
    await patchUser(user.token, user.id, { email: 'ev_changed@example.test', currentPassword: user.password });
    await patchUser(user.token, user.id, { username: 'ev_renamed', currentPassword: user.password });
    await patchUser(t.adminToken, user.id, { role: 'admin' });
    await patchUser(t.adminToken, user.id, { isActive: false });
    await patchUser(t.adminToken, user.id, { isActive: true });

    const events = await adminEvents(t, { userId: user.id }, (items) => items.length >= 6);
    const byType = Object.fromEntries(events.map((event) => [event.type, event]));
    expect(byType.email_changed).toMatchObject({ actorId: user.id, details: null });
    expect(byType.username_changed).toMatchObject({ details: { from: 'ev_changes', to: 'ev_renamed' } });
    expect(byType.role_changed).toMatchObject({ actorId: adminId, details: { from: 'customer', to: 'admin' } });
    expect(byType.user_deactivated).toMatchObject({ actorId: adminId, subjectUserId: user.id });
    expect(byType.user_reactivated).toMatchObject({ actorId: adminId, subjectUserId: user.id });
    // Newest first.
    expect(events.map((event) => event.type).indexOf('user_reactivated')).toBeLessThan(
      events.map((event) => event.type).indexOf('email_changed'),
    );
  });

  it('records API keys created (scopes, expiry), revoked, used after expiry; the owner reads their own', async () => {
    const owner = await t.customer('ev_keys');
    const createKey = (expiresAt?: string) =>
      t
        .http()
        .post('/api/v1/auth/api-keys')
        .set(bearer(owner.token))
        .send({ name: 'k', scopes: ['read'], ...(expiresAt ? { expiresAt } : {}) })
        .expect(201);
    const kept = (await createKey()).body;
    const expiring = (await createKey(new Date(Date.now() + 1500).toISOString())).body;
    secrets.push(owner.password, owner.token, kept.key, expiring.key);
    await t.http().delete(`/api/v1/auth/api-keys/${kept.id}`).set(bearer(owner.token)).expect(204);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expectErrorShape((await t.http().get('/api/v1/auth/me').set('X-API-Key', expiring.key).expect(401)).body, 401);

    const [used] = await adminEvents(t, { type: 'api_key_used_after_expiry', userId: owner.id });
    expect(used).toMatchObject({ apiKeyId: expiring.id, subjectUserId: owner.id, details: { reason: 'expired' } });
    const created = await adminEvents(t, { type: 'api_key_created', userId: owner.id }, (items) => items.length >= 2);
    expect(created.find((event) => event.apiKeyId === expiring.id)?.details).toMatchObject({
      scopes: ['read'],
      expiresAt: expiring.expiresAt,
    });
    const [revoked] = await adminEvents(t, { type: 'api_key_revoked', userId: owner.id });
    expect(revoked).toMatchObject({ apiKeyId: kept.id, actorId: owner.id });

    const own = await t.http().get('/api/v1/auth/me/events').set(bearer(owner.token)).expect(200);
    const types = (own.body.items as { type: string; subjectUserId: number }[]).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['login_succeeded', 'api_key_created', 'api_key_revoked']));
    expect(own.body.items.every((event: { subjectUserId: number }) => event.subjectUserId === owner.id)).toBe(true);
    expectErrorShape((await t.http().get('/api/v1/auth/events').set(bearer(owner.token)).expect(403)).body, 403);
  });

  it('filters by type, user, address and time, pages newest first, and refuses bad filters with 400', async () => {
    const page = await t.http().get('/api/v1/auth/events').query({ pageSize: 2 }).set(bearer(t.adminToken)).expect(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 2, hasNext: true });
    const [first, second] = page.body.items;
    expect(Date.parse(first.at)).toBeGreaterThanOrEqual(Date.parse(second.at));
    const byAddress = await adminEvents(t, { address: '127.0.0.1', pageSize: 100 });
    expect(byAddress.every((event) => event.address === '127.0.0.1')).toBe(true);
    const future = await t.http().get('/api/v1/auth/events').query({ from: '2999-01-01' }).set(bearer(t.adminToken));
    expect(future.body.total).toBe(0);
    const past = await t.http().get('/api/v1/auth/events').query({ to: '2000-01-01' }).set(bearer(t.adminToken));
    expect(past.body.total).toBe(0);
    for (const query of [{ type: 'nope' }, { from: 'yesterday' }, { userId: 'x' }, { address: 'a'.repeat(65) }])
      expectErrorShape(
        (await t.http().get('/api/v1/auth/events').query(query).set(bearer(t.adminToken)).expect(400)).body,
        400,
      );
  });

  it('stores no password, token or key that these tests sent', async () => {
    const text = await storedEventText(t);
    expect(text.length).toBeGreaterThan(100);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
