import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

const USERS = 1000;
const CALLS_PER_USER = 2;
const row = (index: number) => ({
  temperature: 5 + (index % 50),
  humidity: 20 + ((index * 7) % 70),
  pressure: 960 + ((index * 13) % 80),
});

/** The shipped sensor model with its last layer (16×2 kernel, 2 biases) negated: a shadow whose labels flip. */
function nudgedArtifact() {
  const artifact = sensorArtifact();
  const data = Buffer.from(artifact.weights[0].data);
  const floats = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  for (let index = floats.length - 34; index < floats.length; index += 1) floats[index] = -floats[index];
  return { modelJson: artifact.modelJson, weights: [{ name: 'weights.bin', data }] };
}

/**
 * Traffic policies over HTTP on the real app: a 90/10 split over 2 000 calls from 1 000 users is
 * 10 % ± 3 % canary and sticky per user; a named version bypasses it; a shadow gets copies that are
 * recorded and whose agreement the stats route and Prometheus report; bad policies are refused.
 */
describe('traffic policies', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const putPolicy = (body: unknown) =>
    t
      .http()
      .put('/api/v1/models/sensor-anomaly/traffic')
      .set(admin())
      .send(body as object);
  const predict = (token: string, inputs: unknown, version?: string) =>
    t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(token))
      .send({ inputs, ...(version ? { version } : {}) });
  let users: { id: number; token: string }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      ...sensorArtifact(),
      fields: sensorFields('2.0.0'),
    }).expect(201);
    await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      ...nudgedArtifact(),
      fields: sensorFields('3.0.0'),
    }).expect(201);
    for (let start = 0; start < USERS; start += 25) {
      users = users.concat(await Promise.all(Array.from({ length: Math.min(25, USERS - start) }, () => t.customer())));
    }
  }, 240_000);
  afterAll(() => t.close());

  it('splits 90/10, sticky per user, and a named version bypasses it', async () => {
    const stored = await putPolicy({
      versions: [
        { version: '1.0.0', weight: 90 },
        { version: '2.0.0', weight: 10 },
      ],
    }).expect(200);
    expect(stored.body).toEqual({
      model: 'sensor-anomaly',
      versions: [
        { version: '1.0.0', weight: 90 },
        { version: '2.0.0', weight: 10 },
      ],
      shadow: [],
      revision: 1,
      updatedAt: expect.any(String),
    });
    expect((await t.http().get('/api/v1/models/sensor-anomaly/traffic').set(admin()).expect(200)).body).toEqual(
      stored.body,
    );

    const servedBy = new Map<number, Set<string>>();
    const counts: Record<string, number> = {};
    const calls = users.flatMap((user) => Array.from({ length: CALLS_PER_USER }, () => user));
    for (let start = 0; start < calls.length; start += 32) {
      await Promise.all(
        calls.slice(start, start + 32).map(async (user, index) => {
          const response = await predict(user.token, [row(start + index)]).expect(200);
          expect(response.headers['x-model-version']).toBe(response.body.version);
          servedBy.set(user.id, (servedBy.get(user.id) ?? new Set()).add(response.body.version));
          counts[response.body.version] = (counts[response.body.version] ?? 0) + 1;
        }),
      );
    }
    expect(counts['1.0.0'] + counts['2.0.0']).toBe(USERS * CALLS_PER_USER);
    const canaryShare = counts['2.0.0'] / (USERS * CALLS_PER_USER);
    expect(canaryShare).toBeGreaterThanOrEqual(0.07);
    expect(canaryShare).toBeLessThanOrEqual(0.13);
    expect([...servedBy.values()].every((versions) => versions.size === 1)).toBe(true);

    const stats = (await t.http().get('/api/v1/models/sensor-anomaly/traffic/stats').set(admin()).expect(200)).body;
    expect(stats.served).toEqual([
      { version: '1.0.0', calls: counts['1.0.0'] },
      { version: '2.0.0', calls: counts['2.0.0'] },
    ]);

    const onCanary = users.find((user) => servedBy.get(user.id)!.has('2.0.0'))!;
    const onStable = users.find((user) => servedBy.get(user.id)!.has('1.0.0'))!;
    expect((await predict(onCanary.token, [row(1)], '1.0.0').expect(200)).body.version).toBe('1.0.0');
    expect((await predict(onStable.token, [row(1)], '2.0.0').expect(200)).body.version).toBe('2.0.0');
    expect((await predict(onCanary.token, [row(1)], 'latest').expect(200)).body.version).toBe('1.0.0');
  }, 240_000);

  it('mirrors calls to a shadow, records them, reports agreement at the stats route and in Prometheus', async () => {
    await putPolicy({ versions: [{ version: '1.0.0', weight: 100 }], shadow: ['3.0.0'] }).expect(200);
    const token = users[0].token;
    const batches = Array.from({ length: 20 }, (_, batch) =>
      Array.from({ length: 5 }, (__, index) => row(batch * 5 + index)),
    );
    for (const inputs of batches) expect((await predict(token, inputs).expect(200)).body.version).toBe('1.0.0');
    const pair = await waitFor(
      async () =>
        ((body) =>
          body.shadows.find(
            (entry: { shadow: string; calls: number }) => entry.shadow === '3.0.0' && entry.calls === batches.length,
          ))((await t.http().get('/api/v1/models/sensor-anomaly/traffic/stats').set(admin()).expect(200)).body),
      20_000,
      50,
    );
    // Expected agreement from the two versions named explicitly (which bypass the policy and its shadow).
    let same = 0;
    for (const inputs of batches) {
      const primary = (await predict(token, inputs, '1.0.0').expect(200)).body.predictions as { label: string }[];
      const shadow = (await predict(token, inputs, '3.0.0').expect(200)).body.predictions as { label: string }[];
      same += primary.filter((prediction, index) => prediction.label === shadow[index].label).length;
    }
    expect(pair).toEqual({
      primary: '1.0.0',
      shadow: '3.0.0',
      calls: 20,
      rows: 100,
      agreement: same / 100,
      meanAbsoluteDifference: null,
    });
    expect(same).toBeLessThan(100);

    // The prediction log is written in the background: wait for the 20 shadow rows.
    const records = await waitFor(
      async () =>
        ((body) => (body.total >= 20 ? body : undefined))(
          (
            await t
              .http()
              .get('/api/v1/inference/records')
              .query({ source: 'shadow', pageSize: 100 })
              .set(admin())
              .expect(200)
          ).body,
        ),
      20_000,
      100,
    );
    expect(records.total).toBe(20);
    expect(
      records.items.every(
        (record: { version: string; source: string }) => record.version === '3.0.0' && record.source === 'shadow',
      ),
    ).toBe(true);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toContain(
      `traffic_shadow_agreement{model="sensor-anomaly",primary="1.0.0",shadow="3.0.0"} ${same / 100}`,
    );
    expect(metrics).toMatch(/traffic_shadow_calls_total\{model="sensor-anomaly",primary="1.0.0",shadow="3.0.0"\} 20/);
    expect(metrics).toMatch(/traffic_served_total\{model="sensor-anomaly",version="2.0.0"\} \d+/);
  }, 120_000);

  it('refuses bad policies in the contract shape', async () => {
    expectErrorShape((await putPolicy({ versions: [{ version: '1.0.0', weight: 90 }] }).expect(400)).body, 400);
    expectErrorShape(
      (
        await putPolicy({
          versions: [
            { version: '1.0.0', weight: 50 },
            { version: '1.0.0', weight: 50 },
          ],
        }).expect(400)
      ).body,
      400,
    );
    expectErrorShape(
      (await putPolicy({ versions: [{ version: '1.0.0', weight: 100 }], shadow: ['1.0.0'] }).expect(400)).body,
      400,
    );
    expectErrorShape((await putPolicy({ versions: [{ version: '1.0.0', weight: 100.5 }] }).expect(400)).body, 400);
    expectErrorShape((await putPolicy({ versions: [] }).expect(400)).body, 400);
    expect(
      expectErrorShape((await putPolicy({ versions: [{ version: '9.9.9', weight: 100 }] }).expect(404)).body, 404).code,
    ).toBe('MODEL_VERSION_NOT_FOUND');
    expect(
      expectErrorShape(
        (
          await t
            .http()
            .put('/api/v1/models/ghost/traffic')
            .set(admin())
            .send({ versions: [{ version: '1.0.0', weight: 100 }] })
            .expect(404)
        ).body,
        404,
      ).code,
    ).toBe('MODEL_NOT_FOUND');
    expectErrorShape((await t.http().get('/api/v1/models/ghost/traffic/stats').set(admin()).expect(404)).body, 404);
    expectErrorShape(
      (
        await putPolicy({ versions: [{ version: '1.0.0', weight: 100 }] })
          .set(bearer(users[0].token))
          .expect(403)
      ).body,
      403,
    );
    // A version the policy names cannot be archived; the policy is unchanged by the refusals.
    expect(
      expectErrorShape(
        (await t.http().delete('/api/v1/models/sensor-anomaly/versions/3.0.0').set(admin()).expect(409)).body,
        409,
      ).code,
    ).toBe('MODEL_VERSION_IN_USE');
    expect((await t.http().get('/api/v1/models/sensor-anomaly/traffic').set(admin()).expect(200)).body).toMatchObject({
      revision: 2,
      shadow: ['3.0.0'],
    });
  });

  it('deletes the policy: calls go to production again; events listed', async () => {
    await t.http().delete('/api/v1/models/sensor-anomaly/traffic').set(admin()).expect(204);
    expect(
      expectErrorShape((await t.http().get('/api/v1/models/sensor-anomaly/traffic').set(admin()).expect(404)).body, 404)
        .code,
    ).toBe('TRAFFIC_POLICY_NOT_FOUND');
    expect(
      expectErrorShape(
        (await t.http().delete('/api/v1/models/sensor-anomaly/traffic').set(admin()).expect(404)).body,
        404,
      ).code,
    ).toBe('TRAFFIC_POLICY_NOT_FOUND');
    const onCanary = users.find(() => true)!;
    expect((await predict(onCanary.token, [row(0)]).expect(200)).body.version).toBe('1.0.0');
    // No route names 2.0.0 any more: it is unloaded.
    expectErrorShape((await predict(onCanary.token, [row(0)], '2.0.0').expect(404)).body, 404);
    const events = (
      await t.http().get('/api/v1/models/sensor-anomaly/events').query({ pageSize: 100 }).set(admin()).expect(200)
    ).body.items as {
      action: string;
      details: { revision: number | null };
    }[];
    expect(events.filter((event) => event.action === 'policy').map((event) => event.details.revision)).toEqual([
      null,
      2,
      1,
    ]);
  });
});
