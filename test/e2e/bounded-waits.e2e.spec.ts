import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { buildDataSourceOptions } from '@app/database';
import { processEnvironment, startApi, type RunningProcess } from '../helpers/app-process.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { ADMIN } from '../helpers/test-constants.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { checkedFetch } from '../helpers/validated-request.js';

const READING = [21.5, 45, 1012];

/** A raw client connection: what it received, and whether the server has closed it. */
function rawClient(port: number, send: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += String(chunk)));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(send);
  return { socket, received: () => received, closed };
}

/** Resolves when `work` does; fails when it has not within `ms` (a hang, not a timing check). */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms)),
  );
  return Promise.race([work, hang]).finally(() => clearTimeout(timer));
}

describe('HTTP waits on clients are bounded', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_CONNECTION_TIMEOUT_MS: '5000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
    });
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t.close());

  it('answers a request whose body stops arriving with 408 and closes it', async () => {
    const body = JSON.stringify({ inputs: [READING] });
    const client = rawClient(
      port,
      'POST /api/v1/inference/sensor-anomaly/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await within(client.closed, 15_000, 'stalled upload');
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection that never sends a request, and an idle keep-alive one', async () => {
    const silent = rawClient(port, '');
    await within(silent.closed, 15_000, 'silent connection');
    const idle = rawClient(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await within(idle.closed, 15_000, 'idle keep-alive connection');
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200/);
  });
});

/**
 * SIGTERM with a WebSocket open and an upload that never finishes: either would keep the HTTP
 * server from closing for ever. Within SHUTDOWN_TIMEOUT_MS the socket gets 1001, the upload is cut,
 * the predictions already served are in the database, and the process exits 0.
 */
describe('shutdown deadline', () => {
  let database: TestDatabase;
  let modelsDir: string;
  let api: RunningProcess | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
  });
  afterAll(async () => {
    await api?.kill();
    await database.drop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('closes WebSockets with 1001, cuts stalled requests, flushes the prediction log and exits', async () => {
    api = await startApi(
      processEnvironment(database.url, modelsDir, {
        SHUTDOWN_TIMEOUT_MS: '4000',
        HTTP_REQUEST_TIMEOUT_MS: '120000',
        HTTP_CONNECTION_TIMEOUT_MS: '0',
      }),
    );
    const { port } = new URL(api.baseUrl!);
    const login = await checkedFetch(`${api.baseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };

    const predicted = await checkedFetch(`${api.baseUrl}/api/v1/inference/sensor-anomaly/predict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ inputs: [READING] }),
    });
    expect(predicted.status).toBe(200);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/inference/stream?token=${token}`);
    const closeCode = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send(JSON.stringify({ id: 1, model: 'sensor-anomaly', inputs: [READING] }));
    expect(JSON.parse(await reply)).toMatchObject({ id: 1, predictions: [expect.anything()] });
    const stalled = rawClient(
      Number(port),
      'POST /api/v1/inference/sensor-anomaly/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"inputs": [`,
    );

    const exited = new Promise<number | null>((resolve) => api!.child.once('exit', (code) => resolve(code)));
    api.child.kill('SIGTERM');
    expect(await within(closeCode, 20_000, 'WebSocket close')).toBe(1001);
    await within(stalled.closed, 20_000, 'stalled upload');
    expect(await within(exited, 20_000, 'process exit')).toBe(0);

    const reader = new DataSource(buildDataSourceOptions({ url: database.url, entities: [], migrations: [] }));
    await reader.initialize();
    const rows = await reader.query(
      'SELECT source, COUNT(*) AS n FROM inference_records GROUP BY source ORDER BY source',
    );
    await reader.destroy();
    expect(rows.map((row: { source: string; n: unknown }) => [row.source, Number(row.n)])).toEqual([
      ['http', 1],
      ['stream', 1],
    ]);
  });
});
