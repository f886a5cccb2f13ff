import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

type Operations = Record<string, Record<string, { responses: Record<string, { headers?: Record<string, object> }> }>>;

/** Every create (201) and the job's 202 answers with Location, and a GET of it finds what was made. */
describe('Location on every create', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  /** GETs the answer's Location with the same token: 200, and the same resource when it has an id. */
  const resolves = async (created: Response, token = t.adminToken) => {
    const location = created.headers.location;
    expect(location).toMatch(/^\/api\/v1\//);
    const found = await t.http().get(location).set(bearer(token)).expect(200);
    return found.body as Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('documents Location on every 201 and 202 of the OpenAPI document', async () => {
    const { paths } = (await t.http().get('/docs-json').expect(200)).body as { paths: Operations };
    const creates = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) =>
        ['201', '202']
          .filter((status) => operation.responses[status])
          .map((status) => ({
            where: `${method.toUpperCase()} ${path} ${status}`,
            answer: operation.responses[status],
          })),
      ),
    );
    expect(creates.length).toBeGreaterThanOrEqual(12);
    const undocumented = creates.filter(({ answer }) => !answer.headers?.Location).map(({ where }) => where);
    expect(undocumented).toEqual([]);
  });

  it('points at the created catalogue rows, order, users and API key', async () => {
    const category = await t.http().post('/api/v1/categories').set(admin()).send({ name: 'Lamps' }).expect(201);
    expect(await resolves(category)).toMatchObject({ id: category.body.id });
    const tag = await t.http().post('/api/v1/tags').set(admin()).send({ name: 'located' }).expect(201);
    expect(await resolves(tag)).toMatchObject({ id: tag.body.id });
    const product = await t
      .http()
      .post('/api/v1/products')
      .set(admin())
      .send({ name: 'Desk lamp', sku: 'LOC-1', price: '24.90', stockQuantity: 5 })
      .expect(201);
    expect(await resolves(product)).toMatchObject({ id: product.body.id, sku: 'LOC-1' });
    const order = await t
      .http()
      .post('/api/v1/orders')
      .set(admin())
      .set('Idempotency-Key', 'located-order')
      .send({ items: [{ productId: product.body.id, quantity: 1 }] })
      .expect(201);
    expect(await resolves(order)).toMatchObject({ id: order.body.id });
    const user = await t
      .http()
      .post('/api/v1/users')
      .set(admin())
      .send({ username: 'located_user', email: 'located@example.test', password: 'Located123' })
      .expect(201);
    expect(await resolves(user)).toMatchObject({ id: user.body.id });
    const registered = await t
      .http()
      .post('/api/v1/auth/register')
      .send({ username: 'located_self', email: 'self@example.test', password: 'Located123' })
      .expect(201);
    expect(await resolves(registered)).toMatchObject({ id: registered.body.id });
    const key = await t
      .http()
      .post('/api/v1/auth/api-keys')
      .set(admin())
      .send({ name: 'ci', scopes: ['read'] });
    expect(key.status).toBe(201);
    const found = await resolves(key);
    expect(found).toMatchObject({ id: key.body.id, name: 'ci' });
    expect(found).not.toHaveProperty('key');
  });

  it('points bulk creates and ingestion at their collections', async () => {
    const products = await t
      .http()
      .post('/api/v1/products/bulk')
      .set(admin())
      .send({ mode: 'all', products: [{ name: 'Bulk', sku: 'LOC-BULK', price: '1.00' }] })
      .expect(201);
    expect(products.headers.location).toBe('/api/v1/products');
    await resolves(products);
    const users = await t
      .http()
      .post('/api/v1/users/bulk')
      .set(admin())
      .send([{ username: 'bulk_located', email: 'bulk@example.test', password: 'Located123' }])
      .expect(201);
    expect(users.headers.location).toBe('/api/v1/users');
    await resolves(users);
    const reading = {
      timestamp: new Date().toISOString(),
      sensorId: 's1',
      temperature: 21,
      humidity: 40,
      pressure: 1010,
    };
    const ingested = await t.http().post('/api/v1/ingest/sensor-readings').set(admin()).send([reading]).expect(201);
    expect((await resolves(ingested)).total).toBeGreaterThanOrEqual(1);
  });

  it('points a model upload at its version and a job at its status', async () => {
    const uploaded = await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      ...sensorArtifact(),
      fields: sensorFields('1.5.0'),
    }).expect(201);
    expect(uploaded.headers.location).toBe('/api/v1/models/sensor-anomaly/versions/1.5.0');
    expect(await resolves(uploaded)).toMatchObject({ name: 'sensor-anomaly', version: '1.5.0' });
    const customer = await t.customer();
    const job = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(customer.token))
      .send({ inputs: [[22, 45, 1013]] })
      .expect(202);
    expect(await resolves(job, customer.token)).toMatchObject({ jobId: job.body.jobId });
  });

  it('leaves Location off a replayed order (200): nothing was created', async () => {
    const product = await t
      .http()
      .post('/api/v1/products')
      .set(admin())
      .send({ name: 'Replay', sku: 'LOC-2', price: '1.00', stockQuantity: 5 })
      .expect(201);
    const place = () =>
      t
        .http()
        .post('/api/v1/orders')
        .set(admin())
        .set('Idempotency-Key', 'located-replay')
        .send({ items: [{ productId: product.body.id, quantity: 1 }] });
    expect((await place().expect(201)).headers.location).toBeDefined();
    const replay = await place().expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBeUndefined();
  });
});
