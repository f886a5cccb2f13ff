import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

const newUser = (name: string, extra: Record<string, unknown> = {}) => ({
  username: name,
  email: `${name}@example.test`,
  password: 'Secret123',
  ...extra,
});

describe('users', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lets an admin create users with a role; customers get 403', async () => {
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(admin())
      .send(newUser('second_admin', { role: 'admin', fullName: 'Second', bio: 'Ops' }))
      .expect(201);
    expect(created.body).toMatchObject({ username: 'second_admin', role: 'admin', fullName: 'Second', bio: 'Ops' });
    expect(created.body).not.toHaveProperty('passwordHash');
    const customer = await t.customer();
    const refused = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(customer.token))
      .send(newUser('sneaky'))
      .expect(403);
    expectErrorShape(refused.body, 403);
    await t.http().get('/api/v1/users').set(bearer(customer.token)).expect(403);
  });

  it('bulk-creates all or nothing and names the conflicting value', async () => {
    const ok = await t
      .http()
      .post('/api/v1/users/bulk')
      .set(admin())
      .send([newUser('bulk_a'), newUser('bulk_b')])
      .expect(201);
    expect(ok.body.map((user: { username: string }) => user.username)).toEqual(['bulk_a', 'bulk_b']);
    const count = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n);
    const before = await count();
    const conflict = await t
      .http()
      .post('/api/v1/users/bulk')
      .set(admin())
      .send([newUser('bulk_c'), newUser('bulk_a')])
      .expect(409);
    expect(expectErrorShape(conflict.body, 409)).toMatchObject({
      code: 'USER_USERNAME_TAKEN',
      message: expect.stringContaining('bulk_a'),
    });
    const repeated = await t
      .http()
      .post('/api/v1/users/bulk')
      .set(admin())
      .send([newUser('bulk_d'), newUser('bulk_d')])
      .expect(409);
    expect(repeated.body).toMatchObject({
      code: 'USER_DUPLICATE_IN_REQUEST',
      message: expect.stringContaining('bulk_d'),
    });
    const invalid = await t
      .http()
      .post('/api/v1/users/bulk')
      .set(admin())
      .send([newUser('bulk_e'), { username: 'x' }])
      .expect(400);
    expect(invalid.body.details.map((detail: { field: string }) => detail.field)).toEqual(
      expect.arrayContaining(['1.username', '1.email', '1.password']),
    );
    await t.http().post('/api/v1/users/bulk').set(admin()).send({ not: 'an array' }).expect(400);
    expect(await count()).toBe(before);
  });

  it('lists with pagination, filters, search and sort', async () => {
    await t
      .http()
      .post('/api/v1/users/bulk')
      .set(admin())
      .send([newUser('zed_search', { fullName: 'Zed Findme' }), newUser('amy_search'), newUser('inactive_one')])
      .expect(201);
    const inactive = await t.http().get('/api/v1/users').query({ search: 'inactive_one' }).set(admin()).expect(200);
    await t.http().delete(`/api/v1/users/${inactive.body.items[0].id}`).set(admin()).expect(204);

    const page = await t.http().get('/api/v1/users').query({ page: 1, pageSize: 2 }).set(admin()).expect(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 2, hasPrevious: false });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.totalPages).toBe(Math.ceil(page.body.total / 2));
    expect(page.body.hasNext).toBe(page.body.total > 2);

    const found = await t.http().get('/api/v1/users').query({ search: 'FINDME' }).set(admin()).expect(200);
    expect(found.body.items.map((user: { username: string }) => user.username)).toEqual(['zed_search']);

    const sorted = await t
      .http()
      .get('/api/v1/users')
      .query({ search: '_search', sort: '-username' })
      .set(admin())
      .expect(200);
    expect(sorted.body.items.map((user: { username: string }) => user.username)).toEqual(['zed_search', 'amy_search']);

    const onlyInactive = await t.http().get('/api/v1/users').query({ isActive: 'false' }).set(admin()).expect(200);
    expect(onlyInactive.body.items.map((user: { username: string }) => user.username)).toEqual(['inactive_one']);

    const admins = await t.http().get('/api/v1/users').query({ role: 'admin' }).set(admin()).expect(200);
    expect(admins.body.items.every((user: { role: string }) => user.role === 'admin')).toBe(true);

    for (const query of [
      { pageSize: 101 },
      { pageSize: 0 },
      { page: 0 },
      { sort: 'passwordHash' },
      { role: 'root' },
      { isActive: 'maybe' },
    ]) {
      const response = await t.http().get('/api/v1/users').query(query).set(admin()).expect(400);
      expectErrorShape(response.body, 400);
    }
  });

  it('lets owners read and update themselves, not others; role and isActive are admin-only', async () => {
    const alice = await t.customer('alice');
    const bob = await t.customer('bob');
    await t.http().get(`/api/v1/users/${alice.id}`).set(bearer(alice.token)).expect(200);
    expectErrorShape((await t.http().get(`/api/v1/users/${bob.id}`).set(bearer(alice.token)).expect(403)).body, 403);
    await t.http().patch(`/api/v1/users/${bob.id}`).set(bearer(alice.token)).send({ bio: 'hacked' }).expect(403);

    const updated = await t
      .http()
      .patch(`/api/v1/users/${alice.id}`)
      .set(bearer(alice.token))
      .send({ bio: 'Hello', fullName: 'Alice A' })
      .expect(200);
    expect(updated.body).toMatchObject({ bio: 'Hello', fullName: 'Alice A', role: 'customer' });
    await t.http().patch(`/api/v1/users/${alice.id}`).set(bearer(alice.token)).send({ role: 'admin' }).expect(403);
    await t.http().patch(`/api/v1/users/${alice.id}`).set(bearer(alice.token)).send({ isActive: false }).expect(403);
    await t
      .http()
      .patch(`/api/v1/users/${alice.id}`)
      .set(bearer(alice.token))
      .send({ email: 'bob@example.test', currentPassword: alice.password })
      .expect(409);
    await t.http().patch(`/api/v1/users/${alice.id}`).set(bearer(alice.token)).send({ unknownField: 1 }).expect(400);

    const promoted = await t.http().patch(`/api/v1/users/${alice.id}`).set(admin()).send({ role: 'admin' }).expect(200);
    expect(promoted.body.role).toBe('admin');
    // The role change applies on the next request with the same token.
    await t.http().get('/api/v1/users').set(bearer(alice.token)).expect(200);
  });

  it('changes a password through PATCH: the old one stops working', async () => {
    const carol = await t.customer('carol');
    await t
      .http()
      .patch(`/api/v1/users/${carol.id}`)
      .set(bearer(carol.token))
      .send({ password: 'NewSecret9', currentPassword: carol.password })
      .expect(200);
    await t.http().post('/api/v1/auth/token').send({ username: 'carol', password: carol.password }).expect(401);
    await t.http().post('/api/v1/auth/token').send({ username: 'carol', password: 'NewSecret9' }).expect(200);
  });

  it('answers 404 for a missing user and 400 for a non-numeric id', async () => {
    expectErrorShape((await t.http().get('/api/v1/users/999999').set(admin()).expect(404)).body, 404);
    await t.http().delete('/api/v1/users/999999').set(admin()).expect(404);
    // not a digit: no :id route matches (route-params.e2e.spec)
    await t.http().get('/api/v1/users/abc').set(admin()).expect(404);
  });

  it('never returns a password hash from any users route', async () => {
    const list = await t.http().get('/api/v1/users').query({ pageSize: 100 }).set(admin()).expect(200);
    expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
  });
});
