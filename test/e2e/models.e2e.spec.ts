import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';

describe('model registry', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const upload = (parts: Parameters<typeof attachUpload>[1], token = t.adminToken) =>
    attachUpload(t.http().post('/api/v1/models').set(bearer(token)), parts);
  const predict = (body: object) => t.http().post('/api/v1/inference/sensor-anomaly/predict').set(admin()).send(body);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('registers and deploys the shipped models at boot', async () => {
    const list = await t.http().get('/api/v1/models').query({ deployed: true }).set(admin()).expect(200);
    const names = list.body.items.map((item: { name: string; stage: string }) => `${item.name}:${item.stage}`).sort();
    expect(names).toEqual(['order-value:production', 'sensor-anomaly:production']);
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.checks.inference.loadedModels.sort()).toEqual(['order-value@1.0.0', 'sensor-anomaly@1.0.0']);
  });

  it('uploads a version as staging with the SHA-256 of model.json then the weights', async () => {
    const artifact = sensorArtifact();
    const response = await upload({ ...artifact, fields: sensorFields('2.0.0', { description: 'retrained' }) }).expect(
      201,
    );
    const expected = createHash('sha256').update(artifact.modelJson).update(artifact.weights[0].data).digest('hex');
    expect(response.body).toMatchObject({
      name: 'sensor-anomaly',
      version: '2.0.0',
      stage: 'staging',
      deployed: false,
      framework: 'tfjs-layers',
      task: 'classification',
      inputShape: [3],
      outputLabels: ['normal', 'anomaly'],
      metrics: { accuracy: 0.99 },
      checksum: expected,
      sizeBytes: artifact.modelJson.length + artifact.weights[0].data.length,
    });
    expect(existsSync(join(t.modelsDir, 'sensor-anomaly', '2.0.0', 'weights.bin'))).toBe(true);
  });

  it('refuses a duplicate, a corrupt artifact, a shape mismatch and unsafe names, storing nothing', async () => {
    const artifact = sensorArtifact();
    expect(
      expectErrorShape((await upload({ ...artifact, fields: sensorFields('2.0.0') }).expect(409)).body, 409).code,
    ).toBe('MODEL_VERSION_EXISTS');

    const badJson = await upload({
      modelJson: Buffer.from('{not json'),
      weights: artifact.weights,
      fields: sensorFields('3.0.0'),
    }).expect(400);
    expect(badJson.body).toMatchObject({ code: 'MODEL_ARTIFACT_INVALID', message: expect.stringMatching(/JSON/) });
    const truncated = await upload({
      modelJson: artifact.modelJson,
      weights: [{ name: 'weights.bin', data: artifact.weights[0].data.subarray(0, 100) }],
      fields: sensorFields('3.0.1'),
    }).expect(400);
    expect(truncated.body).toMatchObject({
      code: 'MODEL_ARTIFACT_INVALID',
      message: expect.stringMatching(/does not load|bytes/),
    });
    const missingWeights = await upload({
      modelJson: artifact.modelJson,
      weights: [{ name: 'other.bin', data: artifact.weights[0].data }],
      fields: sensorFields('3.0.2'),
    }).expect(400);
    expect(missingWeights.body).toMatchObject({
      code: 'MODEL_ARTIFACT_INVALID',
      message: expect.stringMatching(/not named|Missing/),
    });
    const shape = await upload({
      ...artifact,
      fields: sensorFields('3.0.3', { inputShape: '[4]', featureNames: '["a","b","c","d"]' }),
    }).expect(400);
    expect(shape.body).toMatchObject({
      code: 'MODEL_INPUT_SHAPE_MISMATCH',
      message: expect.stringMatching(/inputShape \[4\] disagrees/),
    });
    const labels = await upload({
      ...artifact,
      fields: sensorFields('3.0.4', { outputLabels: '["a","b","c"]' }),
    }).expect(400);
    expect(labels.body.code).toBe('MODEL_OUTPUT_LABELS_MISMATCH');
    const framework = await upload({ ...artifact, fields: sensorFields('3.0.5', { framework: 'tfjs-graph' }) }).expect(
      400,
    );
    expect(framework.body.code).toBe('MODEL_FRAMEWORK_MISMATCH');

    for (const fields of [
      sensorFields('../../escape'),
      sensorFields('1.0', { name: '../etc' }),
      sensorFields('latest'),
      sensorFields('4.0.0', { inputShape: 'not json' }),
    ]) {
      const response = await upload({ ...artifact, fields }).expect(400);
      expectErrorShape(response.body, 400);
    }
    const traversal = await upload({
      modelJson: artifact.modelJson,
      weights: [{ name: '../../evil.bin', data: artifact.weights[0].data }],
      fields: sensorFields('4.0.1'),
    });
    expect(traversal.status).toBe(400);
    await upload({ modelJson: artifact.modelJson, fields: sensorFields('4.0.2') }).expect(400);

    const versions = await t.http().get('/api/v1/models/sensor-anomaly').set(admin()).expect(200);
    expect(versions.body.map((version: { version: string }) => version.version)).toEqual(['2.0.0', '1.0.0']);
    expect(existsSync(join(t.modelsDir, 'sensor-anomaly', '3.0.1'))).toBe(false);
  });

  it('lets only admins upload and deploy; any user reads the registry', async () => {
    const customer = await t.customer();
    await upload({ ...sensorArtifact(), fields: sensorFields('5.0.0') }, customer.token).expect(403);
    await t.http().post('/api/v1/models/sensor-anomaly/versions/2.0.0/deploy').set(bearer(customer.token)).expect(403);
    await t.http().get('/api/v1/models/sensor-anomaly/versions/latest').set(bearer(customer.token)).expect(200);
    await t.http().get('/api/v1/models').expect(401);
  });

  it('deploys, rolls back, undeploys and archives; latest follows production', async () => {
    expect(
      (await t.http().get('/api/v1/models/sensor-anomaly/versions/latest').set(admin()).expect(200)).body.version,
    ).toBe('1.0.0');
    const deployed = await t
      .http()
      .post('/api/v1/models/sensor-anomaly/versions/2.0.0/deploy')
      .set(admin())
      .expect(200);
    expect(deployed.body).toMatchObject({ version: '2.0.0', stage: 'production', deployed: true });
    const old = await t.http().get('/api/v1/models/sensor-anomaly/versions/1.0.0').set(admin()).expect(200);
    expect(old.body).toMatchObject({ stage: 'staging', deployed: false });
    expect((await predict({ inputs: [21, 45, 1012] }).expect(200)).body.version).toBe('2.0.0');
    await predict({ inputs: [21, 45, 1012], version: '1.0.0' }).expect(404);

    // Roll back.
    await t.http().post('/api/v1/models/sensor-anomaly/versions/1.0.0/deploy').set(admin()).expect(200);
    expect((await predict({ inputs: [21, 45, 1012] }).expect(200)).body.version).toBe('1.0.0');
    expect(
      (await t.http().get('/api/v1/models/sensor-anomaly/versions/latest').set(admin()).expect(200)).body.version,
    ).toBe('1.0.0');

    const undeployed = await t
      .http()
      .post('/api/v1/models/sensor-anomaly/versions/1.0.0/undeploy')
      .set(admin())
      .expect(200);
    expect(undeployed.body).toMatchObject({ stage: 'staging', deployed: false });
    expectErrorShape((await predict({ inputs: [21, 45, 1012] }).expect(404)).body, 404);
    // With no production version, latest is the most recently created.
    expect(
      (await t.http().get('/api/v1/models/sensor-anomaly/versions/latest').set(admin()).expect(200)).body.version,
    ).toBe('2.0.0');

    const archived = await t.http().delete('/api/v1/models/sensor-anomaly/versions/2.0.0').set(admin()).expect(200);
    expect(archived.body).toMatchObject({ stage: 'archived', deployed: false });
    expect(existsSync(join(t.modelsDir, 'sensor-anomaly', '2.0.0', 'model.json'))).toBe(true);
    await t.http().post('/api/v1/models/sensor-anomaly/versions/2.0.0/deploy').set(admin()).expect(409);
    await t.http().post('/api/v1/models/sensor-anomaly/versions/1.0.0/deploy').set(admin()).expect(200);
  });

  it('filters the list and answers 404 for unknown names and versions', async () => {
    const archived = await t.http().get('/api/v1/models').query({ stage: 'archived' }).set(admin()).expect(200);
    expect(archived.body.items.map((item: { version: string }) => item.version)).toEqual(['2.0.0']);
    const byName = await t.http().get('/api/v1/models').query({ name: 'order-value' }).set(admin()).expect(200);
    expect(byName.body.total).toBe(1);
    await t.http().get('/api/v1/models').query({ stage: 'gone' }).set(admin()).expect(400);
    expectErrorShape((await t.http().get('/api/v1/models/nope').set(admin()).expect(404)).body, 404);
    await t.http().get('/api/v1/models/sensor-anomaly/versions/9.9.9').set(admin()).expect(404);
    await t.http().post('/api/v1/models/nope/versions/1.0.0/deploy').set(admin()).expect(404);
  });
});
