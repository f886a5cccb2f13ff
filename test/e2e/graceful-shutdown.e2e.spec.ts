import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { processEnvironment, startApi } from '../helpers/app-process.js';
import { ADMIN } from '../helpers/test-constants.js';
import { checkedFetch } from '../helpers/validated-request.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';

/**
 * SIGTERM: the server stops accepting, answers the requests in flight, flushes the prediction log,
 * closes its pool and exits 0.
 */
describe('graceful shutdown', () => {
  let database: TestDatabase | undefined;
  let modelsDir: string | undefined;
  afterAll(async () => {
    await database?.drop();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  it('finishes in-flight requests, flushes the prediction log and exits 0', async () => {
    database = await createTestDatabase();
    modelsDir = mkdtempSync(join(tmpdir(), 'app_test_models_'));
    const api = await startApi(processEnvironment(database.url, modelsDir));
    const login = await checkedFetch(`${api.baseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    // A request caught mid-upload by the signal: its body is still arriving when SIGTERM lands.
    const body = JSON.stringify({ inputs: Array.from({ length: 1024 }, (_, index) => [15 + (index % 10), 45, 1010]) });
    const { port } = new URL(api.baseUrl!);
    const response = new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/inference/sensor-anomaly/predict',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            Authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 100));
      setTimeout(() => api.child.kill('SIGTERM'), 100);
      setTimeout(() => request.end(body.slice(100)), 400);
    });
    const exited = new Promise<number | null>((resolve) => api.child.once('exit', (code) => resolve(code)));
    await Promise.all([
      checkedFetch(`${api.baseUrl}/api/v1/inference/sensor-anomaly/predict`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body,
      }),
    ]);
    expect(await response).toBe(200);
    expect(await exited).toBe(0);

    const reader = new DataSource(buildDataSourceOptions({ url: database.url, entities: [], migrations: [] }));
    await reader.initialize();
    const rows = await reader.query("SELECT COUNT(*) AS n FROM inference_records WHERE source = 'http'");
    await reader.destroy();
    expect(Number(rows[0].n)).toBe(2);
  });
});
