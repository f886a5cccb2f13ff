import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { processEnvironment, startApi, type RunningProcess } from '../helpers/app-process.js';
import { ADMIN } from '../helpers/test-app.js';
import { connectStream } from '../helpers/ws-client.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { checkedFetch } from '../helpers/validated-request.js';

const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/**
 * The inputs that used to end the API process, sent to a real one: a crash is only observable
 * from outside. Before the fix a deeply nested stream frame made class-transformer throw inside
 * an async handler, and the wasm backend's process listener turned that rejection into an exit.
 */
describe('hostile input cannot stop the process', () => {
  let database: TestDatabase;
  let modelsDir: string;
  let api: RunningProcess;
  let token: string;
  // Raw fetch: polls a process that may have died (no answer is an answer here).
  const health = async () => (await fetch(`${api.baseUrl}/health`).catch(() => undefined))?.status;
  const post = (path: string, body: string) =>
    checkedFetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body,
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    api = await startApi(processEnvironment(database.url, modelsDir, { INFERENCE_BACKEND: 'wasm' }));
    const login = await checkedFetch(`${api.baseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await api?.kill();
    await database?.drop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('answers deeply nested stream frames with error frames and keeps the socket and the process', async () => {
    const client = await connectStream(`${api.baseUrl!.replace('http', 'ws')}/api/v1/inference/stream?token=${token}`);
    client.socket.send(`{"id":1,"model":"sensor-anomaly","inputs":${deepArray(100_000)}}`);
    client.socket.send(`{"id":2,"model":"sensor-anomaly","inputs":${deepObject(100_000)}}`);
    client.socket.send(`{"id":3,"model":"sensor-anomaly","inputs":[1e39,1,1]}`);
    const replies = [await client.next(), await client.next(), await client.next()];
    expect(replies[0]).toEqual({ id: null, error: 'JSON nests deeper than 64 levels' });
    expect(replies[1]).toEqual({ id: null, error: 'JSON nests deeper than 64 levels' });
    expect(replies[2]).toMatchObject({ id: 3, error: expect.stringContaining('float32') });
    client.socket.send(JSON.stringify({ id: 4, model: 'sensor-anomaly', inputs: [21, 45, 1012] }));
    expect(await client.next()).toMatchObject({ id: 4, predictions: [expect.objectContaining({ label: 'normal' })] });
    client.close();
    expect(await health()).toBe(200);
    expect(api.child.exitCode).toBeNull();
  });

  it('closes only the socket that sends an oversized or non-UTF-8 frame (1009 / 1007)', async () => {
    const url = `${api.baseUrl!.replace('http', 'ws')}/api/v1/inference/stream?token=${token}`;
    for (const [payload, code] of [
      [Buffer.alloc(16 * 1024 * 1024 + 1, 0x20), 1009],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 1007],
    ] as const) {
      const client = await connectStream(url);
      const closed = new Promise<number>((resolve) => client.socket.once('close', (closeCode) => resolve(closeCode)));
      client.socket.send(payload, { binary: false });
      expect(await closed).toBe(code);
    }
    expect(await health()).toBe(200);
  });

  it('answers deeply nested HTTP bodies on every kind of route with 400 and keeps serving', async () => {
    const cases: [string, string][] = [
      ['/api/v1/inference/sensor-anomaly/predict', `{"inputs":${deepArray(200_000)}}`],
      ['/api/v1/inference/sensor-anomaly/jobs', `{"inputs":${deepObject(200_000)}}`],
      ['/api/v1/ingest/sensor-readings', `[${deepObject(200_000)}]`],
      ['/api/v1/products', deepObject(100_000)],
      ['/api/v1/orders', `{"items":[${deepObject(100_000)}]}`],
      ['/api/v1/users/bulk', `[${deepObject(100_000)}]`],
    ];
    for (const [path, body] of cases) {
      const response = await post(path, body);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(await response.json()).toMatchObject({
        statusCode: 400,
        message: 'JSON nests deeper than 64 levels',
        path,
      });
    }
    expect(await health()).toBe(200);
    expect(api.child.exitCode).toBeNull();
  });
});
