import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mulberry32 } from '../../libs/inference/src/seeded-random.js';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';

const MODEL = 'sensor-anomaly';
const WINDOW = 2000;
/** The reference population: temperature, humidity, pressure, each normal around its band's middle. */
const POPULATION = [
  { mean: 22, std: 3 },
  { mean: 45, std: 6 },
  { mean: 1010, std: 8 },
];

/** Rows drawn from POPULATION with a seeded RNG; `shift` moves each feature's mean by that many std. */
function readings(count: number, seed: number, shift = [0, 0, 0]): number[][] {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () =>
    POPULATION.map(({ mean, std }, feature) => round(mean + std * (shift[feature] + gaussian()))),
  );
}
const round = (value: number) => Math.round(value * 1000) / 1000;

/** A CSV sample under a header in another order than the model's (temperature, humidity, pressure). */
const csvSample = (rows: number[][]) =>
  Buffer.from(['humidity,pressure,temperature', ...rows.map(([t, h, p]) => `${h},${p},${t}`)].join('\n'));

/**
 * Input drift on the shipped bundle: a version uploaded with a reference sample reports a low PSI
 * for live inputs drawn from that sample's distribution and crosses the threshold for shifted ones,
 * recording the crossing as one model event; the shipped model carries the reference `npm run
 * train` wrote; a version without a reference answers 404; hostile references are refused with
 * nothing stored.
 */
describe('input drift', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const drift = (version: string) => t.http().get(`/api/v1/models/${MODEL}/versions/${version}/drift`).set(admin());
  const predict = (version: string, inputs: number[][]) =>
    t.http().post(`/api/v1/inference/${MODEL}/predict`).set(admin()).send({ inputs, version }).expect(200);
  const upload = (version: string, files: { reference?: Buffer; referenceSample?: Buffer; filename?: string }) => {
    const request = attachUpload(t.http().post('/api/v1/models').set(admin()), {
      ...sensorArtifact(),
      fields: sensorFields(version),
    });
    if (files.reference) request.attach('reference', files.reference, { filename: 'reference.json' });
    if (files.referenceSample)
      request.attach('referenceSample', files.referenceSample, { filename: files.filename ?? 'sample.csv' });
    return request;
  };
  /** Sends rows in predict calls of 1000 and waits until the window (binned after the calls) holds `rows`. */
  const serve = async (version: string, rows: number[][], expectedWindow: number) => {
    for (let start = 0; start < rows.length; start += 1000) await predict(version, rows.slice(start, start + 1000));
    return waitFor(async () => {
      const report = (await drift(version).expect(200)).body;
      return report.window.rows === expectedWindow ? report : undefined;
    });
  };
  const driftEvents = async (version: string) =>
    (
      await t.http().get(`/api/v1/models/${MODEL}/events`).query({ pageSize: 100 }).set(admin()).expect(200)
    ).body.items.filter(
      (event: { action: string; version: string }) => event.action === 'drift' && event.version === version,
    );

  beforeAll(async () => {
    t = await createTestApp({ DRIFT_WINDOW_ROWS: String(WINDOW), LOG_LEVEL: 'warn' });
  });
  afterAll(() => t.close());

  it('the shipped model carries the reference statistics of its training inputs', async () => {
    const report = (await drift('1.0.0').expect(200)).body;
    expect(report.features.map((feature: { name: string }) => feature.name)).toEqual([
      'temperature',
      'humidity',
      'pressure',
    ]);
    expect(report.threshold).toBe(0.2);
  });

  it('stays low for inputs from the reference distribution and crosses the threshold for shifted ones', async () => {
    await upload('3.0.0-drift', { referenceSample: csvSample(readings(5000, 1)) }).expect(201);
    await t.http().post(`/api/v1/models/${MODEL}/versions/3.0.0-drift/deploy`).set(admin()).expect(200);
    const empty = (await drift('3.0.0-drift').expect(200)).body;
    expect(empty).toEqual({
      window: { rows: 0, from: null, to: null },
      features: ['temperature', 'humidity', 'pressure'].map((name) => ({ name, psi: null, drifted: false })),
      drifted: false,
      threshold: 0.2,
    });

    const steady = await serve('3.0.0-drift', readings(WINDOW, 2), WINDOW);
    expect(steady.drifted).toBe(false);
    for (const feature of steady.features) expect(feature.psi).toBeLessThan(0.05);
    expect(Date.parse(steady.window.from)).toBeLessThanOrEqual(Date.parse(steady.window.to));
    expect(await driftEvents('3.0.0-drift')).toEqual([]);

    // Temperature two standard deviations warmer: the window fills with shifted rows only.
    const shifted = await serve('3.0.0-drift', readings(WINDOW, 3, [2, 0, 0]), WINDOW);
    const [temperature, humidity, pressure] = shifted.features;
    expect(temperature).toEqual({ name: 'temperature', psi: expect.any(Number), drifted: true });
    expect(temperature.psi).toBeGreaterThan(1);
    expect([humidity.drifted, pressure.drifted]).toEqual([false, false]);
    expect(shifted.drifted).toBe(true);

    const gauge = await t.http().get('/metrics').expect(200);
    const line = gauge.text
      .split('\n')
      .find(
        (text) => text.startsWith('model_drift_psi{') && text.includes('"3.0.0-drift"') && text.includes('temperature'),
      );
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThan(1);
    expect(gauge.text).toMatch(/model_drift_detected\{model="sensor-anomaly",version="3.0.0-drift"\} 1/);
  }, 120_000);

  it('records the first crossing as one model event, however long the drift lasts', async () => {
    const first = await waitFor(async () => {
      const events = await driftEvents('3.0.0-drift');
      return events.length > 0 ? events : undefined;
    });
    // More shifted traffic, each batch above the threshold again.
    await serve('3.0.0-drift', readings(WINDOW, 4, [2, 0, 0]), WINDOW);
    await serve('3.0.0-drift', readings(WINDOW, 5, [0, -3, 0]), WINDOW);
    const events = await driftEvents('3.0.0-drift');
    expect(events).toEqual(first);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      model: MODEL,
      version: '3.0.0-drift',
      by: null,
      details: { threshold: 0.2, windowRows: expect.any(Number), drifted: ['temperature'] },
    });
    expect(events[0].details.psi.temperature).toBeGreaterThan(0.2);
  }, 120_000);

  it('answers 404 for a version without reference statistics, and only admins may ask', async () => {
    await upload('3.0.1-plain', {}).expect(201);
    expectErrorShape((await drift('3.0.1-plain').expect(404)).body, 404);
    expect((await drift('3.0.1-plain').expect(404)).body.code).toBe('MODEL_REFERENCE_NOT_FOUND');
    expect((await drift('9.9.9').expect(404)).body.code).not.toBe('MODEL_REFERENCE_NOT_FOUND');
    const customer = await t.customer();
    await t.http().get(`/api/v1/models/${MODEL}/versions/1.0.0/drift`).set(bearer(customer.token)).expect(403);
  });
});
