import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { processEnvironment, startApi, type RunningProcess } from '../helpers/app-process.js';
import { writeModuleProbe } from '../helpers/module-probe.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { ADMIN } from '../helpers/test-constants.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { checkedFetch } from '../helpers/validated-request.js';

/**
 * The bundled API (scripts/bundle.ts, what start:prod and the image run) is the app built from the
 * modules: the same OpenAPI document, the same answers, and one copy of each package whose classes
 * or registries must be shared (TypeORM, TF.js), with the packages left out loaded from node_modules.
 */
describe('the bundled API (dist/bundle/api.mjs)', () => {
  let database: TestDatabase;
  let work: string;
  let modules: string;
  let api: RunningProcess;
  let inProcess: InProcessApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'app_test_bundle_'));
    modules = join(work, 'modules.txt');
    api = await startApi(
      processEnvironment(database.url, join(work, 'models'), {
        NODE_OPTIONS: `--import ${writeModuleProbe(work, modules)}`,
      }),
    );
    inProcess = await createInProcessApp();
  }, 120_000);

  afterAll(async () => {
    await api?.kill('SIGTERM');
    await inProcess?.close();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves the OpenAPI document the modules describe', async () => {
    // Raw fetch: this is the document itself, compared whole below.
    const bundled = (await (await fetch(`${api.baseUrl}/docs-json`)).json()) as Record<string, unknown>;
    const built = (await inProcess.http().get('/docs-json').expect(200)).body as Record<string, unknown>;
    expect(Object.keys(bundled.paths as object).length).toBeGreaterThan(50);
    expect(bundled).toEqual(built);
  });

  it('answers a login, a product write and read, and a prediction as the modules do', async () => {
    const post = (path: string, body: unknown, token?: string) =>
      checkedFetch(`${api.baseUrl}/api/v1${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const { access_token: token } = (await (
      await post('/auth/token', { username: ADMIN.username, password: ADMIN.password })
    ).json()) as { access_token: string };
    const product = { name: 'Bundled lamp', sku: 'BND-1', price: '12.50', stockQuantity: 3 };
    const created = await post('/products', product, token);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const read = (await (await checkedFetch(`${api.baseUrl}/api/v1/products/${id}`)).json()) as Record<string, unknown>;
    expect(read).toMatchObject({
      id,
      name: product.name,
      sku: product.sku,
      price: product.price,
      stockQuantity: 3,
      category: null,
      tags: [],
    });

    const rows = [
      [0.1, 0.2, 0.3],
      [5, -2, 40],
    ];
    const bundledPrediction = (await (
      await post('/inference/sensor-anomaly/predict', { inputs: rows }, token)
    ).json()) as { predictions: unknown };
    const builtPrediction = (
      await inProcess
        .http()
        .post('/api/v1/inference/sensor-anomaly/predict')
        .set('Authorization', `Bearer ${inProcess.adminToken}`)
        .send({ inputs: rows })
        .expect(200)
    ).body as {
      predictions: unknown;
    };
    expect(bundledPrediction.predictions).toEqual(builtPrediction.predictions);
  });

  it('loads no second TypeORM or TF.js, and the packages left out from node_modules', async () => {
    await api.kill('SIGTERM'); // the probe writes the CommonJS modules on exit
    const loaded = readFileSync(modules, 'utf8').split('\n').filter(Boolean);
    const packageDirs = (name: string) =>
      new Set(
        loaded
          .map((entry) => new RegExp(`^(.*node_modules/${name})/`).exec(entry.replace(/^file:\/\//, ''))?.[1])
          .filter(Boolean),
      );
    // TypeORM is inside the bundle: a copy from node_modules would be a second set of its classes.
    expect(packageDirs('typeorm').size).toBe(0);
    // TF.js stays out, as one copy: the wasm backend registers into the tfjs-core next to it.
    expect(packageDirs('@tensorflow/tfjs-core').size).toBe(1);
    expect(packageDirs('@tensorflow/tfjs-backend-wasm').size).toBe(1);
    // The database driver (instrumented by tracing) is loaded from node_modules, the other one not at all.
    const sqlite = database.url.startsWith('sqlite');
    expect([packageDirs('better-sqlite3').size, packageDirs('mysql2').size]).toEqual(sqlite ? [1, 0] : [0, 1]);
    // The app's own modules come from the bundle only.
    expect(loaded.filter((entry) => /dist\/(apps|libs)\//.test(entry))).toEqual([]);
  });
});
