import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectStream } from '../helpers/ws-client.js';

const MODEL = 'order-value';
const TFJS = '1.0.0'; // shipped, deployed at boot
const ONNX = '2.0.0-onnx';
/** Deterministic order rows: item count, average unit price, distinct products, past orders. */
const rows = (count: number, seed = 0) =>
  Array.from({ length: count }, (_, i) => [
    1 + ((i + seed) % 9),
    5 + (((i + seed) * 37) % 190),
    1 + ((i + seed) % 7),
    (i * 11 + seed) % 40,
  ]);
const values = (body: { predictions: { value: number }[] }) => body.predictions.map((p) => p.value);
/** Largest difference relative to the value's size (order totals run into the hundreds). */
const worst = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(v))));

/**
 * The ONNX twin of the shipped order-value network (test/fixtures/onnx, made from its TF.js weights)
 * through the registry and every serving route on the shipped bundle: it answers what the TF.js
 * version answers within 1e-5 over /predict, V2, jobs and the stream, is canaried and shadowed against
 * the TF.js version of the same name, and is recorded, counted in metrics and reported ready.
 */
describe('an ONNX version served like a TF.js one', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const predict = (token: string, inputs: unknown, version?: string) =>
    t
      .http()
      .post(`/api/v1/inference/${MODEL}/predict`)
      .set(bearer(token))
      .send({ inputs, ...(version ? { version } : {}) });
  const input = rows(64);
  let reference: number[];

  beforeAll(async () => {
    t = await createTestApp();
    reference = values((await predict(t.adminToken, input, TFJS).expect(200)).body);
  });
  afterAll(() => t.close());

  it('uploads one .onnx file (its SHA-256), deploys, and /predict equals the TF.js version within 1e-5', async () => {
    const file = onnxFixture(MODEL);
    const uploaded = await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      onnx: file,
      fields: onnxFields(MODEL, ONNX),
    }).expect(201);
    expect(uploaded.body).toMatchObject({
      framework: 'onnx',
      stage: 'staging',
      deployed: false,
      inputShape: [4],
      checksum: createHash('sha256').update(file).digest('hex'),
      sizeBytes: file.length,
    });
    await t.http().post(`/api/v1/models/${MODEL}/versions/${ONNX}/deploy`).set(admin()).expect(200);
    for (const count of [1, 64]) {
      const served = await predict(t.adminToken, input.slice(0, count)).expect(200);
      expect(served.body.version).toBe(ONNX);
      expect(served.headers['x-model-version']).toBe(ONNX);
      expect(worst(values(served.body), reference.slice(0, count))).toBeLessThan(1e-5);
    }
    // By feature names, as for the TF.js version.
    const named = await predict(t.adminToken, {
      itemCount: input[0][0],
      avgUnitPrice: input[0][1],
      distinctProducts: input[0][2],
      customerOrderCount: input[0][3],
    }).expect(200);
    expect(worst(values(named.body), reference.slice(0, 1))).toBeLessThan(1e-5);
  });

  it("V2: metadata from the model's own names and datatypes; infer equals /predict", async () => {
    const metadata = await t.http().get(`/v2/models/${MODEL}/versions/${ONNX}`).set(admin()).expect(200);
    expect(metadata.body).toEqual({
      name: MODEL,
      versions: [ONNX],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'dense_Dense4_input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 1] }],
    });
    const inferred = await t
      .http()
      .post(`/v2/models/${MODEL}/versions/${ONNX}/infer`)
      .set(admin())
      .send({
        id: 'o1',
        inputs: [{ name: 'dense_Dense4_input', shape: [3, 4], datatype: 'FP32', data: input.slice(0, 3) }],
      })
      .expect(200);
    expect(inferred.body).toMatchObject({ model_name: MODEL, model_version: ONNX, id: 'o1' });
    expect(inferred.body.outputs).toHaveLength(1);
    expect(inferred.body.outputs[0]).toMatchObject({ name: 'output', datatype: 'FP32', shape: [3, 1] });
    expect(worst(inferred.body.outputs[0].data, reference.slice(0, 3))).toBeLessThan(1e-5);
    const refused = await t
      .http()
      .post(`/v2/models/${MODEL}/versions/${ONNX}/infer`)
      .set(admin())
      .send({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] })
      .expect(400);
    expect(refused.body).toEqual({ error: expect.stringContaining("unknown input 'x'") });
  });

  it('is canaried 50/50 against the TF.js version of the same name, sticky per caller, and shadows it', async () => {
    const policy = (body: object) => t.http().put(`/api/v1/models/${MODEL}/traffic`).set(admin()).send(body);
    await policy({
      versions: [
        { version: TFJS, weight: 50 },
        { version: ONNX, weight: 50 },
      ],
    }).expect(200);
    const customers = await Promise.all(Array.from({ length: 16 }, () => t.customer()));
    const seen = new Set<string>();
    for (const customer of customers) {
      const first = await predict(customer.token, input.slice(0, 8)).expect(200);
      const again = await predict(customer.token, input.slice(0, 8)).expect(200);
      expect(again.body.version).toBe(first.body.version);
      seen.add(first.body.version as string);
      expect(worst(values(first.body), reference.slice(0, 8))).toBeLessThan(1e-5);
    }
    expect([...seen].sort()).toEqual([TFJS, ONNX].sort());

    await policy({ versions: [{ version: TFJS, weight: 100 }], shadow: [ONNX] }).expect(200);
    for (let call = 0; call < 10; call += 1) await predict(customers[0].token, rows(4, call)).expect(200);
    const pair = await waitFor(async () => {
      const stats = await t.http().get(`/api/v1/models/${MODEL}/traffic/stats`).set(admin()).expect(200);
      return (stats.body.shadows as { shadow: string; calls: number; meanAbsoluteDifference: number }[]).find(
        (entry) => entry.shadow === ONNX && entry.calls === 10,
      );
    }, 20_000);
    expect(pair).toMatchObject({ primary: TFJS, rows: 40 });
    expect(pair.meanAbsoluteDifference).toBeLessThan(1e-3);
    await t.http().delete(`/api/v1/models/${MODEL}/traffic`).set(admin()).expect(204);
  }, 120_000);

  it('runs jobs and stream frames on the ONNX version', async () => {
    const owner = await t.customer();
    const accepted = await t
      .http()
      .post(`/api/v1/inference/${MODEL}/jobs`)
      .set(bearer(owner.token))
      .send({ inputs: input, version: ONNX })
      .expect(202);
    const job = await waitFor(async () => {
      const status = await t.http().get(`/api/v1/inference/jobs/${accepted.body.jobId}`).set(bearer(owner.token));
      return status.body.status === 'succeeded' || status.body.status === 'failed' ? status.body : undefined;
    }, 60_000);
    expect(job).toMatchObject({ status: 'succeeded', version: ONNX, processedRows: 64 });
    expect(worst(values(job.result as { predictions: { value: number }[] }), reference)).toBeLessThan(1e-5);

    const base = `${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream?token=${owner.token}`;
    const stream = await connectStream(base);
    try {
      stream.socket.send(JSON.stringify({ id: 's1', model: MODEL, version: ONNX, inputs: input.slice(0, 5) }));
      const reply = await stream.next();
      expect(reply).toMatchObject({ id: 's1', model: MODEL, version: ONNX });
      expect(worst(values(reply as { predictions: { value: number }[] }), reference.slice(0, 5))).toBeLessThan(1e-5);
    } finally {
      stream.close();
    }
  }, 120_000);

  it('is recorded, counted in metrics and reported ready', async () => {
    const recorded = await waitFor(async () => {
      const [{ n }] = await t.dataSource.query<{ n: number | string }[]>(
        'SELECT COUNT(*) AS n FROM inference_records WHERE model = ? AND version = ?',
        [MODEL, ONNX],
      );
      return Number(n) >= 4 ? Number(n) : undefined;
    }, 20_000);
    expect(recorded).toBeGreaterThanOrEqual(4);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      new RegExp(`inference_request_success_total\\{[^}]*model="${MODEL}"[^}]*version="${ONNX}"[^}]*\\} [1-9]`),
    );
    await t.http().get(`/v2/models/${MODEL}/versions/${ONNX}/ready`).set(admin()).expect(200);
    await t.http().get('/v2/health/ready').set(admin()).expect(200);
    const ready = await t.http().get('/health/ready').expect(200);
    expect(JSON.stringify(ready.body)).toContain(`${MODEL}@${ONNX}`);
  });
});
