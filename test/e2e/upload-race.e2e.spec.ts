import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

/**
 * Concurrent uploads of one name@version: exactly one 201, the rest 409, and the stored artifact
 * is the winner's, byte for byte, and still loads and predicts. A folder left by an upload that
 * crashed before registering does not block the next upload of that version.
 */
describe('model upload races', () => {
  let t: TestApp;
  const { modelJson, weights } = sensorArtifact();

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** The same model with its last weight nudged: every variant loads, and each has its own checksum. */
  function variant(index: number): Buffer {
    const data = Buffer.from(weights[0].data);
    data.writeFloatLE(data.readFloatLE(data.length - 4) + index * 0.001, data.length - 4);
    return data;
  }
  const checksumOf = (data: Buffer) => createHash('sha256').update(modelJson).update(data).digest('hex');
  const upload = (version: string, data: Buffer) =>
    attachUpload(t.http().post('/api/v1/models').set(bearer(t.adminToken)), {
      modelJson,
      weights: [{ name: 'weights.bin', data }],
      fields: sensorFields(version),
    });
  const storedChecksum = (version: string) =>
    checksumOf(readFileSync(join(t.modelsDir, 'sensor-anomaly', version, 'weights.bin')));

  async function expectDeploysAndPredicts(version: string) {
    await t
      .http()
      .post(`/api/v1/models/sensor-anomaly/versions/${version}/deploy`)
      .set(bearer(t.adminToken))
      .expect(200);
    const predicted = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(t.adminToken))
      .send({ inputs: [[21, 45, 1012]] })
      .expect(200);
    expect(predicted.body.version).toBe(version);
  }

  it('gives one 201 and 409s to the rest, keeping the winner’s artifact intact', async () => {
    const variants = Array.from({ length: 5 }, (_, index) => variant(index + 1));
    const responses = await Promise.all(variants.map((data) => upload('3.0.0', data)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const lost of responses.filter((response) => response.status === 409)) expectErrorShape(lost.body, 409);
    const winner = responses.findIndex((response) => response.status === 201);
    expect(responses[winner].body.checksum).toBe(checksumOf(variants[winner]));
    // On disk: the winner's bytes, as registered (the registry checksum is over exactly these files).
    expect(storedChecksum('3.0.0')).toBe(checksumOf(variants[winner]));
    const row = await t
      .http()
      .get('/api/v1/models/sensor-anomaly/versions/3.0.0')
      .set(bearer(t.adminToken))
      .expect(200);
    expect(row.body.checksum).toBe(checksumOf(variants[winner]));
    await expectDeploysAndPredicts('3.0.0');
  });

  it('replaces a folder left without a registry row by a crashed upload', async () => {
    const leftover = join(t.modelsDir, 'sensor-anomaly', '4.0.0');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(join(leftover, 'model.json'), '{"half": "written"');
    const data = variant(7);
    const created = await upload('4.0.0', data).expect(201);
    expect(created.body.checksum).toBe(checksumOf(data));
    expect(storedChecksum('4.0.0')).toBe(checksumOf(data));
    await expectDeploysAndPredicts('4.0.0');
  });
});
