import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

const MODEL = 'sensor-anomaly';
const TFJS = '1.0.0'; // shipped, production at boot
const ONNX = ['2.0.0-onnx', '3.0.0-onnx'];
const reading = (index: number) => ({
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
  sensorId: `sensor-${index % 3}`,
  temperature: 15 + ((index * 7) % 80),
  humidity: 30 + ((index * 13) % 70),
  pressure: 990 + (index % 40),
});
const ROW = { temperature: 21, humidity: 45, pressure: 1012 };

/**
 * The ONNX twin of the shipped sensor-anomaly classifier (test/fixtures/onnx) through what the TF.js
 * version already does on the shipped bundle: ingestion scoring, and hot swaps (a deploy between
 * engines and back, an alias moved between ONNX versions) with calls running, none failing.
 */
describe('an ONNX version in ingestion and hot swaps', () => {
  let t: TestApp;
  let token: string;
  const admin = () => bearer(t.adminToken);
  const ingest = (body: unknown) =>
    t
      .http()
      .post('/api/v1/ingest/sensor-readings')
      .query({ model: MODEL })
      .set(bearer(token))
      .send(body as object);
  const deploy = (version: string) =>
    t.http().post(`/api/v1/models/${MODEL}/versions/${version}/deploy`).set(admin()).expect(200);
  const scores = async (scoredBy: string) => {
    const page = await t
      .http()
      .get('/api/v1/ingest/sensor-readings')
      .query({ pageSize: 100 })
      .set(bearer(token))
      .expect(200);
    const rows = page.body.items as { scoredBy: string; timestamp: string; anomalyScore: number; isAnomaly: boolean }[];
    return new Map(rows.filter((row) => row.scoredBy === scoredBy).map((row) => [row.timestamp, row]));
  };

  beforeAll(async () => {
    t = await createTestApp({ MODEL_SYNC_INTERVAL_MS: '300' });
    token = (await t.customer()).token;
    for (const version of ONNX)
      await attachUpload(t.http().post('/api/v1/models').set(admin()), {
        onnx: onnxFixture(MODEL),
        fields: onnxFields(MODEL, version),
      }).expect(201);
  });
  afterAll(() => t.close());

  it('scores ingested readings with the ONNX version as the TF.js version does, within 1e-5', async () => {
    const tfjsRows = Array.from({ length: 20 }, (_, i) => reading(i));
    const byTfjs = await ingest(tfjsRows).expect(201);
    expect(byTfjs.body).toMatchObject({ accepted: 20, scoredBy: `${MODEL}@${TFJS}` });
    await deploy(ONNX[0]);
    // The same readings one hour later: the timestamps tell the two sets apart.
    const later = tfjsRows.map((row, i) => ({ ...row, timestamp: reading(i + 60).timestamp }));
    const byOnnx = await ingest(later).expect(201);
    expect(byOnnx.body).toMatchObject({ accepted: 20, scoredBy: `${MODEL}@${ONNX[0]}` });
    expect(byOnnx.body.anomalies).toBe(byTfjs.body.anomalies);
    const [tfjs, onnx] = [await scores(`${MODEL}@${TFJS}`), await scores(`${MODEL}@${ONNX[0]}`)];
    expect(onnx.size).toBe(20);
    for (let i = 0; i < 20; i += 1) {
      const a = tfjs.get(reading(i).timestamp)!;
      const b = onnx.get(reading(i + 60).timestamp)!;
      expect(Math.abs(a.anomalyScore - b.anomalyScore)).toBeLessThan(1e-5);
      expect(b.isAnomaly).toBe(a.isAnomaly);
    }
  });

  it('swaps engines and ONNX versions under concurrent /predict and V2 calls, none failing', async () => {
    let stop = false;
    const seen: string[] = [];
    const failures: string[] = [];
    const predictCaller = async (version?: string) => {
      while (!stop) {
        const response = await t
          .http()
          .post(`/api/v1/inference/${MODEL}/predict`)
          .set(bearer(token))
          .send({ inputs: [ROW, ROW], ...(version ? { version } : {}) });
        if (response.status === 200) seen.push(response.body.version as string);
        else failures.push(`${response.status} ${JSON.stringify(response.body)}`);
      }
    };
    const v2Caller = async () => {
      while (!stop) {
        const response = await t
          .http()
          .post(`/v2/models/${MODEL}/infer`)
          .set(bearer(token))
          .send({ inputs: [{ name: 'dense_Dense1_input', shape: [1, 3], datatype: 'FP32', data: [21, 45, 1012] }] });
        if (response.status !== 200) failures.push(`V2 ${response.status} ${JSON.stringify(response.body)}`);
      }
    };
    const settle = async () => {
      const at = seen.length;
      await waitFor(async () => (seen.length > at + 6 ? true : undefined), 15_000, 10);
    };
    await t.http().put(`/api/v1/models/${MODEL}/aliases/champion`).set(admin()).send({ version: ONNX[0] }).expect(200);
    const callers = [predictCaller(), predictCaller(), predictCaller('champion'), v2Caller()];
    await settle();
    await deploy(TFJS); // ONNX → TF.js
    await settle();
    await deploy(ONNX[1]); // TF.js → ONNX
    await settle();
    await t.http().put(`/api/v1/models/${MODEL}/aliases/champion`).set(admin()).send({ version: ONNX[1] }).expect(200);
    await settle();
    stop = true;
    await Promise.all(callers);
    expect(failures).toEqual([]);
    expect(new Set(seen)).toEqual(new Set([TFJS, ...ONNX]));
    expect(seen.at(-1)).toBe(ONNX[1]);
  }, 90_000);
});
