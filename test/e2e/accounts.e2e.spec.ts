import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

/**
 * Accounts: credential changes need the current password, a password change or a deactivation
 * revokes the tokens issued before it, and someone else's order looks like a missing one.
 */
describe('accounts', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const me = (token: string) => t.http().get('/api/v1/auth/me').set(bearer(token));
  const patch = (id: number, token: string, body: Record<string, unknown>) =>
    t.http().patch(`/api/v1/users/${id}`).set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['password', (_name: string) => ({ password: 'Changed123' }), (name: string) => name],
    ['email', (name: string) => ({ email: `${name}_new@example.test` }), (name: string) => name],
    ['username', (name: string) => ({ username: `${name}_renamed` }), (name: string) => `${name}_renamed`],
  ])(
    "changing one's own %s needs currentPassword: 400 without, 403 when wrong, 200 when right",
    async (field, change, loginAfter) => {
      const user = await t.customer(`cur_${field}`);
      const missing = expectErrorShape((await patch(user.id, user.token, change(user.username)).expect(400)).body, 400);
      expect(missing.code).toBe('USER_CURRENT_PASSWORD_REQUIRED');
      expect(missing.details).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      expect(
        expectErrorShape(
          (await patch(user.id, user.token, { ...change(user.username), currentPassword: 'Wrong1234' }).expect(403))
            .body,
          403,
        ).code,
      ).toBe('USER_CURRENT_PASSWORD_INCORRECT');
      // Nothing changed by the refusals.
      const before = (await me(user.token).expect(200)).body;
      expect(before).toMatchObject({ username: user.username, email: user.email });
      await patch(user.id, user.token, { ...change(user.username), currentPassword: user.password }).expect(200);
      const password = field === 'password' ? 'Changed123' : user.password;
      await t
        .http()
        .post('/api/v1/auth/token')
        .send({ username: loginAfter(user.username), password })
        .expect(200);
    },
  );

  it('needs no currentPassword for other fields, an unchanged email, or an admin editing someone else', async () => {
    const user = await t.customer('cur_free');
    await patch(user.id, user.token, { bio: 'hi', email: user.email, username: user.username }).expect(200);
    await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(admin())
      .send({ password: 'ByAdmin123', email: 'cur_free_admin@example.test' })
      .expect(200);
    await t.http().post('/api/v1/auth/token').send({ username: user.username, password: 'ByAdmin123' }).expect(200);
    // An admin changing its own email is "one's own": it needs the current password too.
    const adminId = (await me(t.adminToken).expect(200)).body.id;
    await t.http().patch(`/api/v1/users/${adminId}`).set(admin()).send({ email: 'root2@example.test' }).expect(400);
  });

  it('a password change revokes every token issued before it, even in the same second; a new token works', async () => {
    const user = await t.customer('revoke_pw');
    const other = await t.login(user.username, user.password);
    await me(other).expect(200);
    await patch(user.id, user.token, { password: 'Rotated123', currentPassword: user.password }).expect(200);
    // Both tokens were issued well within the same second as the change, most likely: iat cannot tell them
    // apart, tokenVersion does.
    await me(user.token).expect(401);
    await me(other).expect(401);
    const fresh = await t.login(user.username, 'Rotated123');
    await me(fresh).expect(200);
    // A profile edit does not revoke anything.
    await patch(user.id, fresh, { bio: 'still here' }).expect(200);
    await me(fresh).expect(200);
  });

  it("an admin-set password and deactivation revoke the user's tokens; reactivation does not revive them", async () => {
    const user = await t.customer('revoke_deact');
    await t.http().patch(`/api/v1/users/${user.id}`).set(admin()).send({ password: 'Reset1234' }).expect(200);
    await me(user.token).expect(401);
    const second = await t.login(user.username, 'Reset1234');
    await t.http().delete(`/api/v1/users/${user.id}`).set(admin()).expect(204);
    expectErrorShape((await me(second).expect(401)).body, 401);
    await t.http().post('/api/v1/auth/token').send({ username: user.username, password: 'Reset1234' }).expect(401);
    await t.http().patch(`/api/v1/users/${user.id}`).set(admin()).send({ isActive: true }).expect(200);
    await me(second).expect(401);
    await me(await t.login(user.username, 'Reset1234')).expect(200);
  });

  it('documents currentPassword in Swagger, and no stockQuantity in a product edit', async () => {
    const schemas = (await t.http().get('/docs-json').expect(200)).body.components.schemas;
    expect(schemas.UpdateUserDto.properties.currentPassword).toMatchObject({ type: 'string', format: 'password' });
    expect(schemas.UpdateUserDto.required ?? []).not.toContain('currentPassword');
    expect(Object.keys(schemas.UpdateProductDto.properties)).not.toContain('stockQuantity');
  });

  it("answers 404 for someone else's order, exactly as for a missing one (read and status change)", async () => {
    const product = (
      await t
        .http()
        .post('/api/v1/products')
        .set(admin())
        .send({ name: 'Private Item', price: '3.00', sku: 'PRIV-1', stockQuantity: 10 })
        .expect(201)
    ).body;
    const owner = await t.customer('order_owner');
    const stranger = await t.customer('order_stranger');
    const order = (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(owner.token))
        .send({ items: [{ productId: product.id, quantity: 1 }] })
        .expect(201)
    ).body;
    const missingId = order.id + 100_000;
    const shape = (body: Record<string, unknown>) => ({
      statusCode: body.statusCode,
      code: body.code,
      error: body.error,
      message: String(body.message).replace(/\d+/, 'N'),
    });
    const theirs = expectErrorShape(
      (await t.http().get(`/api/v1/orders/${order.id}`).set(bearer(stranger.token)).expect(404)).body,
      404,
    );
    const missing = expectErrorShape(
      (await t.http().get(`/api/v1/orders/${missingId}`).set(bearer(stranger.token)).expect(404)).body,
      404,
    );
    expect(shape(theirs)).toEqual(shape(missing));
    const cancelTheirs = (
      await t
        .http()
        .patch(`/api/v1/orders/${order.id}/status`)
        .set(bearer(stranger.token))
        .send({ status: 'cancelled' })
        .expect(404)
    ).body;
    const cancelMissing = (
      await t
        .http()
        .patch(`/api/v1/orders/${missingId}/status`)
        .set(bearer(stranger.token))
        .send({ status: 'cancelled' })
        .expect(404)
    ).body;
    expect(shape(cancelTheirs)).toEqual(shape(cancelMissing));
    expect((await t.http().get(`/api/v1/orders/${order.id}`).set(bearer(owner.token)).expect(200)).body.status).toBe(
      'pending',
    );
    expect((await t.http().get(`/api/v1/products/${product.id}`).expect(200)).body.stockQuantity).toBe(9);
  });
});
