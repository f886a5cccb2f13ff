import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, bearer, createTestApp, expectErrorShape, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js';

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function signToken(payload: object, header: object = { alg: 'HS256', typ: 'JWT' }, secret = TEST_JWT_SECRET): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('POST /auth/register', () => {
    it('creates a customer and never returns the password or its hash', async () => {
      const response = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ username: 'new_user', email: 'New@Example.test', password: 'Passw0rdX', fullName: 'New User' })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        username: 'new_user',
        email: 'new@example.test',
        fullName: 'New User',
        bio: null,
        role: 'customer',
        isActive: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/Passw0rdX|password/i);
    });

    it('refuses a role field, weak passwords and bad usernames with per-field details', async () => {
      const response = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ username: 'a!', email: 'nope', password: 'short', role: 'admin' })
        .expect(400);
      const body = expectErrorShape(response.body, 400);
      const fields = (body.details as { field: string }[]).map((detail) => detail.field).sort();
      expect(fields).toEqual(['email', 'password', 'role', 'username']);
    });

    it('requires an upper-case letter and a digit in the password', async () => {
      const noUpper = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ username: 'pw_user', email: 'pw@example.test', password: 'alllower1' })
        .expect(400);
      expect(noUpper.body.details).toEqual([
        { field: 'password', message: 'password must contain an upper-case letter' },
      ]);
      const noDigit = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ username: 'pw_user', email: 'pw@example.test', password: 'NoDigitsHere' })
        .expect(400);
      expect(noDigit.body.details).toEqual([{ field: 'password', message: 'password must contain a digit' }]);
    });

    it('answers 409 for a taken username (any case) or email, and creates nothing', async () => {
      await t.customer('taken_name');
      const before = await t.dataSource.query('SELECT COUNT(*) AS n FROM users');
      const byName = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ username: 'TAKEN_NAME', email: 'other@example.test', password: 'Secret123' })
        .expect(409);
      expect(expectErrorShape(byName.body, 409).code).toBe('USER_USERNAME_TAKEN');
      const byEmail = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ username: 'other_name', email: 'Taken_Name@example.test', password: 'Secret123' })
        .expect(409);
      expect(expectErrorShape(byEmail.body, 409).code).toBe('USER_EMAIL_TAKEN');
      const after = await t.dataSource.query('SELECT COUNT(*) AS n FROM users');
      expect(Number(after[0].n)).toBe(Number(before[0].n));
    });
  });

  describe('POST /auth/token', () => {
    it('accepts JSON and form-encoded OAuth2 password grants, by username or email', async () => {
      const json = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ username: ADMIN.username, password: ADMIN.password })
        .expect(200);
      expect(json.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });
      const form = await t
        .http()
        .post('/api/v1/auth/token')
        .type('form')
        .send({
          grant_type: 'password',
          username: ADMIN.email,
          password: ADMIN.password,
          scope: '',
          client_id: 'swagger',
          client_secret: '',
        })
        .expect(200);
      const me = await t.http().get('/api/v1/auth/me').set(bearer(form.body.access_token)).expect(200);
      expect(me.body).toMatchObject({ username: ADMIN.username, role: 'admin' });
    });

    it('gives the same 401 for an unknown user and a wrong password', async () => {
      const unknown = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ username: 'ghost', password: 'Whatever1' })
        .expect(401);
      const wrong = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ username: ADMIN.username, password: 'Wrong1234' })
        .expect(401);
      // The same message is the contract here: nothing tells an attacker which half was wrong.
      expect(expectErrorShape(unknown.body, 401)).toMatchObject({
        code: 'AUTH_INVALID_CREDENTIALS',
        message: wrong.body.message,
      });
      expect(wrong.body.code).toBe('AUTH_INVALID_CREDENTIALS');
    });

    it('refuses another grant type', async () => {
      await t
        .http()
        .post('/api/v1/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', username: ADMIN.username, password: ADMIN.password })
        .expect(400);
    });
  });

  describe('tokens', () => {
    it('refuses a missing, tampered, expired, alg:none or foreign-secret token', async () => {
      const customer = await t.customer();
      const [header, payload] = customer.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const now = Math.floor(Date.now() / 1000);
      const tampered = `${header}.${base64url({ ...claims, role: 'admin' })}.${customer.token.split('.')[2]}`;
      const expired = signToken({ ...claims, iat: now - 7200, exp: now - 3600 });
      const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, role: 'admin' })}.`;
      const foreign = signToken(
        { ...claims, iat: now, exp: now + 600 },
        undefined,
        'another-secret-that-is-long-enough-to-sign',
      );
      const missing = await t.http().get('/api/v1/auth/me').expect(401);
      expectErrorShape(missing.body, 401);
      for (const token of [tampered, expired, none, foreign, 'garbage']) {
        const response = await t.http().get('/api/v1/auth/me').set(bearer(token)).expect(401);
        expectErrorShape(response.body, 401);
      }
      const valid = signToken({ ...claims, iat: now, exp: now + 600 });
      await t.http().get('/api/v1/auth/me').set(bearer(valid)).expect(200);
    });

    it('locks out a soft-deleted user: old tokens and new logins both fail', async () => {
      const customer = await t.customer();
      await t.http().delete(`/api/v1/users/${customer.id}`).set(bearer(t.adminToken)).expect(204);
      await t.http().get('/api/v1/auth/me').set(bearer(customer.token)).expect(401);
      const login = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ username: customer.username, password: customer.password })
        .expect(401);
      expect(login.body).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS', message: 'Incorrect username or password' });
    });
  });
});
