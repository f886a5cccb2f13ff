import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, onnxFields, onnxFixture, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectStream } from '../helpers/ws-client.js';

const shippedReference = (model: string) =>
  JSON.parse(readFileSync(join(process.cwd(), 'models', model, '1.0.0', 'reference.json'), 'utf8')) as {
    rows: number;
    features: Record<string, unknown>[];
  };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
/** The shipped sensor reference with one feature changed. */
const withFeature = (index: number, change: Record<string, unknown>) => {
  const reference = shippedReference('sensor-anomaly');
  reference.features[index] = { ...reference.features[index], ...change };
  return json(reference);
};
const csvRows = (count: number) =>
  Array.from({ length: count }, (_, i) => `${20 + (i % 10)},${40 + (i % 7)},${1000 + (i % 20)}`).join('\n');

/**
 * Reference statistics arrive with an upload as a file or a sample. Hostile ones are refused with a
 * 400 in the error shape, and nothing of the upload is stored. An ONNX version carries one too, and
 * its window sees the inputs of every route: /predict, V2 (named tensors), jobs and the stream.
 */
describe('drift references at upload', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const referenceRows = async () =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM model_reference_features'))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const hostile: [string, { reference?: Buffer; referenceSample?: Buffer; filename?: string }, RegExp][] = [
    ['not JSON', { reference: Buffer.from('{"features": [') }, /not valid JSON/],
    ['no features array', { reference: json({ rows: 10 }) }, /features array/],
    [
      'wrong feature count',
      { reference: json({ features: shippedReference('sensor-anomaly').features.slice(0, 2) }) },
      /2 features/,
    ],
    [
      'a NaN mean (as text)',
      { reference: withFeature(0, { mean: 'NaN' }) },
      /features\[0\]\.mean must be a finite number/,
    ],
    ['a null edge', { reference: withFeature(1, { edges: [1, null, 3] }) }, /edges\[1\] must be a finite number/],
    [
      'unsorted bin edges',
      { reference: withFeature(2, { edges: [3, 2, 1], proportions: [0.5, 0.5] }) },
      /strictly increasing/,
    ],
    ['proportions not summing to 1', { reference: withFeature(0, { proportions: Array(10).fill(0.2) }) }, /sum to/],
    ['one proportion per bin missing', { reference: withFeature(0, { proportions: [1] }) }, /one share per bin/],
    ['a negative std', { reference: withFeature(0, { std: -1 }) }, /std must not be negative/],
    ['a feature named otherwise', { reference: withFeature(0, { name: 'pressure' }) }, /feature 0 is 'temperature'/],
    ['too many bins', { reference: withFeature(0, { edges: Array.from({ length: 500 }, (_, i) => i) }) }, /2 to 101/],
    ['a huge file', { reference: Buffer.concat([Buffer.alloc(1100 * 1024, ' '), json({ features: [] })]) }, /bytes/],
    [
      'both a reference and a sample',
      { reference: json(shippedReference('sensor-anomaly')), referenceSample: Buffer.from(csvRows(200)) },
      /either/,
    ],
    ['a sample of 10 rows', { referenceSample: Buffer.from(csvRows(10)) }, /at least 100/],
    ['a CSV sample with NaN', { referenceSample: Buffer.from(`${csvRows(150)}\n1,NaN,3`) }, /line 151, column 2/],
    [
      'a CSV sample of the wrong width',
      { referenceSample: Buffer.from(`${csvRows(150)}\n1,2`) },
      /2 values, expected 3/,
    ],
    [
      'a CSV header naming another feature',
      { referenceSample: Buffer.from(`a,b,c\n${csvRows(150)}`) },
      /header must name/,
    ],
    [
      'JSON sample rows of the wrong width',
      { referenceSample: json(Array(150).fill([1, 2])), filename: 's.json' },
      /referenceSample/,
    ],
  ];

  it.each(hostile)('refuses %s with 400 and stores nothing', async (_case, files, message) => {
    const before = await referenceRows();
    const request = attachUpload(t.http().post('/api/v1/models').set(admin()), {
      ...sensorArtifact(),
      fields: sensorFields('4.0.0-hostile'),
    });
    if (files.reference) request.attach('reference', files.reference, { filename: 'reference.json' });
    if (files.referenceSample)
      request.attach('referenceSample', files.referenceSample, { filename: files.filename ?? 'sample.csv' });
    const refused = await request.expect(400);
    expect(expectErrorShape(refused.body, 400)).toMatchObject({ code: 'MODEL_REFERENCE_INVALID' });
    expect(refused.body.message).toMatch(message);
    await t.http().get('/api/v1/models/sensor-anomaly/versions/4.0.0-hostile').set(admin()).expect(404);
    expect(await referenceRows()).toBe(before);
  });

  it('computes the reference from a JSON sample of rows keyed by feature names', async () => {
    const sample = Array.from({ length: 150 }, (_, i) => ({
      pressure: 1000 + (i % 20),
      temperature: 20 + (i % 10),
      humidity: 40 + (i % 7),
    }));
    const request = attachUpload(t.http().post('/api/v1/models').set(admin()), {
      ...sensorArtifact(),
      fields: sensorFields('4.1.0-json-sample'),
    });
    await request.attach('referenceSample', json(sample), { filename: 'sample.json' }).expect(201);
    const report = (await t.http().get('/api/v1/models/sensor-anomaly/versions/4.1.0-json-sample/drift').set(admin()))
      .body;
    expect(report.features.map((feature: { name: string }) => feature.name)).toEqual([
      'temperature',
      'humidity',
      'pressure',
    ]);
    const [stored] = await t.dataSource.query(
      'SELECT f.stats, f.sampleRows FROM model_reference_features f JOIN model_versions v ON v.id = f.modelVersionId ' +
        "WHERE v.version = '4.1.0-json-sample' AND f.position = 0",
    );
    expect(Number(stored.sampleRows)).toBe(150);
    // temperature 20..29, ten values of 15 rows each: one decile bin per value, the last closed above 29.
    expect(JSON.parse(stored.stats)).toMatchObject({
      name: 'temperature',
      mean: 24.5,
      edges: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30],
      proportions: Array(10).fill(0.1),
    });
  });

  it('still serves after every refusal', async () => {
    await t.http().get('/health').expect(200);
    await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(admin())
      .send({ inputs: [[21, 45, 1012]] })
      .expect(200);
  });

  it('an ONNX version with a reference file sees inputs from /predict, V2, jobs and the stream', async () => {
    const version = '2.1.0-onnx-drift';
    const request = attachUpload(t.http().post('/api/v1/models').set(admin()), {
      onnx: onnxFixture('order-value'),
      fields: onnxFields('order-value', version),
    });
    request.attach('reference', json(shippedReference('order-value')), { filename: 'reference.json' });
    await request.expect(201);
    await t.http().post(`/api/v1/models/order-value/versions/${version}/deploy`).set(admin()).expect(200);
    const order = (i: number) => [1 + (i % 9), 5 + ((i * 37) % 190), 1 + (i % 7), (i * 11) % 40];
    const rows = (count: number) => Array.from({ length: count }, (_, i) => order(i));
    const owner = await t.customer();

    await t
      .http()
      .post('/api/v1/inference/order-value/predict')
      .set(admin())
      .send({ inputs: rows(10), version })
      .expect(200);
    await t
      .http()
      .post(`/v2/models/order-value/versions/${version}/infer`)
      .set(admin())
      .send({ inputs: [{ name: 'dense_Dense4_input', shape: [3, 4], datatype: 'FP32', data: rows(3) }] })
      .expect(200);
    const job = await t
      .http()
      .post('/api/v1/inference/order-value/jobs')
      .set(bearer(owner.token))
      .send({ inputs: rows(64), version })
      .expect(202);
    await waitFor(async () => {
      const status = await t.http().get(`/api/v1/inference/jobs/${job.body.jobId}`).set(bearer(owner.token));
      return status.body.status === 'succeeded' ? true : undefined;
    }, 60_000);
    const stream = await connectStream(
      `${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream?token=${owner.token}`,
    );
    try {
      stream.socket.send(JSON.stringify({ id: 's1', model: 'order-value', version, inputs: rows(5) }));
      expect(await stream.next()).toMatchObject({ id: 's1', version });
    } finally {
      stream.close();
    }

    const report = await waitFor(async () => {
      const body = (await t.http().get(`/api/v1/models/order-value/versions/${version}/drift`).set(admin()).expect(200))
        .body;
      return body.window.rows === 10 + 3 + 64 + 5 ? body : undefined;
    });
    expect(report.features.map((feature: { name: string }) => feature.name)).toEqual([
      'itemCount',
      'avgUnitPrice',
      'distinctProducts',
      'customerOrderCount',
    ]);
    for (const feature of report.features) expect(feature.psi).toEqual(expect.any(Number));
  }, 120_000);
});
