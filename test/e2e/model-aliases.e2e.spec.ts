import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, sensorArtifact, sensorFields } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectStream } from '../helpers/ws-client.js';

// WebSocket calls (aliases over the stream) are not checked against the OpenAPI document, which describes HTTP only;
// every HTTP call here goes through t.http(), which is.

const ROW = { temperature: 21, humidity: 45, pressure: 1012 };

/**
 * Aliases over HTTP on the real app: set, moved (with calls running), deleted; resolved by
 * predict, jobs, the stream and V2; reserved names and unknown versions refused; events listed;
 * an alias written by another process picked up by the periodic sync.
 */
describe('model aliases', () => {
  let t: TestApp;
  let user: { token: string; id: number };
  let wsBase: string;
  const admin = () => bearer(t.adminToken);
  const putAlias = (alias: string, version: string) =>
    t.http().put(`/api/v1/models/sensor-anomaly/aliases/${alias}`).set(admin()).send({ version });
  const predict = (version?: string) =>
    t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(user.token))
      .send({ inputs: [ROW], ...(version ? { version } : {}) });

  beforeAll(async () => {
    t = await createTestApp({ MODEL_SYNC_INTERVAL_MS: '300' });
    wsBase = `${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream`;
    user = await t.customer();
    const artifact = sensorArtifact();
    for (const version of ['2.0.0', '3.0.0'])
      await attachUpload(t.http().post('/api/v1/models').set(admin()), {
        ...artifact,
        fields: sensorFields(version),
      }).expect(201);
  });
  afterAll(() => t.close());

  it('sets an alias and resolves it on predict, jobs, the stream and V2', async () => {
    expect((await putAlias('champion', '2.0.0').expect(200)).body).toEqual({
      model: 'sensor-anomaly',
      alias: 'champion',
      version: '2.0.0',
      previous: null,
    });
    expect(
      (await t.http().get('/api/v1/models/sensor-anomaly/versions/2.0.0').set(admin()).expect(200)).body.aliases,
    ).toEqual(['champion']);
    const listed = (await t.http().get('/api/v1/models/sensor-anomaly').set(admin()).expect(200)).body as {
      version: string;
      aliases: string[];
    }[];
    expect(Object.fromEntries(listed.map((row) => [row.version, row.aliases]))).toEqual({
      '1.0.0': [],
      '2.0.0': ['champion'],
      '3.0.0': [],
    });
    // The registry read of a version accepts the alias too.
    expect(
      (await t.http().get('/api/v1/models/sensor-anomaly/versions/champion').set(admin()).expect(200)).body.version,
    ).toBe('2.0.0');

    const served = await predict('champion').expect(200);
    expect(served.body.version).toBe('2.0.0');
    expect(served.headers['x-model-version']).toBe('2.0.0');
    expect((await predict().expect(200)).headers['x-model-version']).toBe('1.0.0');

    const job = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/jobs')
      .set(bearer(user.token))
      .send({ inputs: [ROW, ROW], version: 'champion' })
      .expect(202);
    const done = await waitFor(
      async () =>
        ((body) => (body.status === 'succeeded' ? body : undefined))(
          (await t.http().get(`/api/v1/inference/jobs/${job.body.jobId}`).set(bearer(user.token)).expect(200)).body,
        ),
      30_000,
      50,
    );
    // The job records the concrete version it ran, not the alias.
    expect(done.version).toBe('2.0.0');

    const stream = await connectStream(`${wsBase}?token=${user.token}`);
    stream.socket.send(JSON.stringify({ id: 's1', model: 'sensor-anomaly', version: 'champion', inputs: [ROW] }));
    expect(await stream.next()).toMatchObject({ id: 's1', model: 'sensor-anomaly', version: '2.0.0' });
    stream.close();

    await t.http().get('/v2/models/sensor-anomaly/versions/champion/ready').set(bearer(user.token)).expect(200);
    const metadata = (
      await t.http().get('/v2/models/sensor-anomaly/versions/champion').set(bearer(user.token)).expect(200)
    ).body;
    expect(metadata.versions).toEqual(['2.0.0']);
    const name = metadata.inputs[0].name as string;
    const v2 = await t
      .http()
      .post('/v2/models/sensor-anomaly/versions/champion/infer')
      .set(bearer(user.token))
      .send({ inputs: [{ name, shape: [1, 3], datatype: 'FP32', data: [21, 45, 1012] }] });
    expect(v2.body).toMatchObject({ model_version: '2.0.0' });
    expect(v2.body.model_version).toBe('2.0.0');
  });

  it('moves an alias while calls run on it, none failing', async () => {
    let stop = false;
    const seen: string[] = [];
    const failures: number[] = [];
    const caller = async () => {
      while (!stop) {
        const response = await predict('champion');
        if (response.status === 200) seen.push(response.body.version);
        else failures.push(response.status);
      }
    };
    const callers = [caller(), caller(), caller()];
    await waitFor(async () => (seen.length > 5 ? true : undefined), 10_000, 10);
    expect((await putAlias('champion', '3.0.0').expect(200)).body).toMatchObject({
      version: '3.0.0',
      previous: '2.0.0',
    });
    const movedAt = seen.length;
    await waitFor(async () => (seen.length > movedAt + 5 ? true : undefined), 10_000, 10);
    stop = true;
    await Promise.all(callers);
    expect(failures).toEqual([]);
    expect(seen.at(-1)).toBe('3.0.0');
    expect(new Set(seen)).toEqual(new Set(['2.0.0', '3.0.0']));
    // 2.0.0 is no longer routed to, so it is unloaded and not served by number either.
    expectErrorShape((await predict('2.0.0').expect(404)).body, 404);
  });

  it('keeps one row when the same new alias is PUT concurrently: the last writer wins', async () => {
    const answers = await Promise.all(
      ['1.0.0', '2.0.0', '3.0.0', '2.0.0', '1.0.0'].map((version) => putAlias('challenger', version)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const rows = await t.dataSource.query(
      `SELECT version FROM model_aliases WHERE ${t.dataSource.driver.escape('modelName')} = 'sensor-anomaly' ` +
        "AND alias = 'challenger'",
    );
    expect(rows).toHaveLength(1);
    expect((await predict('challenger').expect(200)).body.version).toBe(rows[0].version);
  });

  it('refuses reserved names, bad names, unknown versions and models in the contract shape', async () => {
    for (const reserved of ['latest', 'production']) {
      expect(expectErrorShape((await putAlias(reserved, '2.0.0').expect(400)).body, 400).code).toBe(
        'MODEL_ALIAS_RESERVED',
      );
      expect(
        expectErrorShape(
          (await t.http().delete(`/api/v1/models/sensor-anomaly/aliases/${reserved}`).set(admin()).expect(400)).body,
          400,
        ).code,
      ).toBe('MODEL_ALIAS_RESERVED');
    }
    expectErrorShape((await putAlias('a..b', '2.0.0').expect(400)).body, 400);
    expectErrorShape((await putAlias('good', 'bad..x').expect(400)).body, 400);
    expect(expectErrorShape((await putAlias('good', '9.9.9').expect(404)).body, 404).code).toBe(
      'MODEL_VERSION_NOT_FOUND',
    );
    expect(
      expectErrorShape(
        (await t.http().put('/api/v1/models/ghost/aliases/good').set(admin()).send({ version: '1.0.0' }).expect(404))
          .body,
        404,
      ).code,
    ).toBe('MODEL_NOT_FOUND');
    expectErrorShape(
      (await t.http().put('/api/v1/models/sensor-anomaly/aliases/good').set(admin()).send({}).expect(400)).body,
      400,
    );
    // An alias may not take an existing version's name.
    expect(expectErrorShape((await putAlias('1.0.0', '2.0.0').expect(409)).body, 409).code).toBe(
      'MODEL_ALIAS_NAME_TAKEN',
    );
    expectErrorShape(
      (
        await t
          .http()
          .put('/api/v1/models/sensor-anomaly/aliases/good')
          .set(bearer(user.token))
          .send({ version: '1.0.0' })
          .expect(403)
      ).body,
      403,
    );
    // An aliased version cannot be archived.
    expect(
      expectErrorShape(
        (await t.http().delete('/api/v1/models/sensor-anomaly/versions/3.0.0').set(admin()).expect(409)).body,
        409,
      ).code,
    ).toBe('MODEL_VERSION_IN_USE');
  });

  it('deletes an alias: it no longer resolves', async () => {
    await t.http().delete('/api/v1/models/sensor-anomaly/aliases/champion').set(admin()).expect(204);
    expectErrorShape((await predict('champion').expect(404)).body, 404);
    expect(
      expectErrorShape(
        (await t.http().delete('/api/v1/models/sensor-anomaly/aliases/champion').set(admin()).expect(404)).body,
        404,
      ).code,
    ).toBe('MODEL_ALIAS_NOT_FOUND');
    expect(
      (await t.http().get('/api/v1/models/sensor-anomaly/versions/3.0.0').set(admin()).expect(200)).body.aliases,
    ).toEqual([]);
  });

  it('lists alias events with from and to', async () => {
    const events = (
      await t.http().get('/api/v1/models/sensor-anomaly/events').query({ pageSize: 100 }).set(admin()).expect(200)
    ).body.items as { action: string; details: Record<string, unknown> }[];
    const champion = events
      .filter((event) => event.action === 'alias' && event.details.alias === 'champion')
      .map((event) => event.details)
      .reverse();
    expect(champion).toEqual([
      { alias: 'champion', from: null, to: '2.0.0' },
      { alias: 'champion', from: '2.0.0', to: '3.0.0' },
      { alias: 'champion', from: '3.0.0', to: null },
    ]);
  });

  it('picks up an alias written by another process through the periodic sync', async () => {
    const escape = (name: string) => t.dataSource.driver.escape(name);
    await t.dataSource.query(
      `INSERT INTO model_aliases (${escape('modelName')}, alias, version) ` +
        "VALUES ('sensor-anomaly', 'elsewhere', '2.0.0')",
    );
    const served = await waitFor(
      async () =>
        ((response) => (response.status === 200 ? response.body.version : undefined))(await predict('elsewhere')),
      10_000,
      100,
    );
    expect(served).toBe('2.0.0');
  });
});
