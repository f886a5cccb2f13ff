import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

/** The model registry's audit trail at GET /models/:name/events: who did what to which version, newest first. */
describe('model events', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const events = (name: string, query: Record<string, number> = {}) =>
    t.http().get(`/api/v1/models/${name}/events`).query(query).set(admin());

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('records the shipped registration at boot as a system upload (by null)', async () => {
    const page = await events('order-value').expect(200);
    expect(page.body.items).toEqual([
      {
        id: expect.any(Number),
        model: 'order-value',
        version: '1.0.0',
        action: 'upload',
        by: null,
        details: { shipped: true, deployed: true },
        at: expect.stringMatching(/Z$/),
      },
    ]);
  });

  it('records upload, deploy (+ replaced version), undeploy, archive by admin, newest first, paginated', async () => {
    const me = (await t.http().get('/api/v1/auth/me').set(admin()).expect(200)).body.id;
    await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      ...sensorArtifact(),
      fields: sensorFields('3.0.0'),
    }).expect(201);
    await t.http().post('/api/v1/models/sensor-anomaly/versions/3.0.0/deploy').set(admin()).expect(200);
    await t.http().post('/api/v1/models/sensor-anomaly/versions/3.0.0/undeploy').set(admin()).expect(200);
    await t.http().delete('/api/v1/models/sensor-anomaly/versions/3.0.0').set(admin()).expect(200);
    // A refused action records nothing.
    await t.http().post('/api/v1/models/sensor-anomaly/versions/3.0.0/deploy').set(admin()).expect(409);
    const page = await events('sensor-anomaly', { pageSize: 4 }).expect(200);
    expect(page.body).toMatchObject({ total: 5, page: 1, pageSize: 4, hasNext: true });
    expect(page.body.items).toMatchObject([
      { action: 'archive', version: '3.0.0', by: me, details: null },
      { action: 'undeploy', version: '3.0.0', by: me },
      { action: 'deploy', version: '3.0.0', by: me, details: { replaced: '1.0.0' } },
      { action: 'upload', version: '3.0.0', by: me },
    ]);
    const last = await events('sensor-anomaly', { pageSize: 4, page: 2 }).expect(200);
    expect(last.body.items).toMatchObject([{ action: 'upload', version: '1.0.0', by: null }]);
  });

  it('is for admins only, 404 for an unknown model, 400 for a bad name or page', async () => {
    const customer = await t.customer('events_peek');
    expectErrorShape(
      (await t.http().get('/api/v1/models/sensor-anomaly/events').set(bearer(customer.token)).expect(403)).body,
      403,
    );
    await t.http().get('/api/v1/models/sensor-anomaly/events').expect(401);
    expectErrorShape((await events('no-such-model').expect(404)).body, 404);
    await events('sensor-anomaly', { pageSize: 101 }).expect(400);
    await t.http().get('/api/v1/models/bad%20name/events').set(admin()).expect(400);
  });
});
