/**
 * Shared pieces of the HTTP benchmarks: boot the built API (dist/) on a fresh database as a real
 * process, log in, and run autocannon with a printed summary. Run `npm run build` first.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { startApi, type RunningProcess } from '../../test/helpers/app-process.js';
import type { Target } from './load-runner.js';

export const ADMIN = { username: 'admin', password: 'Admin1234', email: 'admin@bench.test' };
/**
 * The shipped entry (the bundle, as `start:prod` runs it);
 * BENCH_API_ENTRY=dist/apps/api/src/main.js for the unbundled modules.
 */
const API_ENTRY = resolve(process.env.BENCH_API_ENTRY ?? 'dist/bundle/api.mjs');

/** A memory field of the process's /proc status, in MB. */
const statusMb = (api: RunningProcess, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${api.child.pid}/status`, 'utf8'))?.[1] ?? 0) /
  1024;

export interface BenchApp {
  api: RunningProcess;
  baseUrl: string;
  token: string;
  bootMs: number;
  rssMb(): number;
  /** RSS split as /proc counts it: anonymous (heap, native allocations) and file-backed (mapped files). */
  rssPartsMb(): { anon: number; file: number };
  stop(): Promise<void>;
}

/** Boots the API on a throwaway SQLite file (or DATABASE_URL when BENCH_DATABASE_URL is set). */
export async function startBenchApp(env: Record<string, string> = {}, entry = API_ENTRY): Promise<BenchApp> {
  const dir = mkdtempSync(join(tmpdir(), 'bench_'));
  const started = performance.now();
  const api = await startApi(
    {
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-1234',
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:///${join(dir, 'bench.sqlite')}`,
      DATABASE_MIGRATE_ON_BOOT: 'true',
      MODELS_DIR: join(dir, 'models'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_USERNAME: ADMIN.username,
      RATE_LIMIT_MAX: '100000000',
      LOGIN_RATE_LIMIT_MAX: '100000000',
      RATE_LIMIT_USER_MAX: '100000000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    entry,
  );
  const bootMs = performance.now() - started;
  const baseUrl = api.baseUrl!;
  const login = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  return {
    api,
    baseUrl,
    token,
    bootMs,
    rssMb: () => statusMb(api, 'VmRSS'),
    rssPartsMb: () => ({ anon: statusMb(api, 'RssAnon'), file: statusMb(api, 'RssFile') + statusMb(api, 'RssShmem') }),
    stop: async () => {
      await api.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Uploads an ONNX regression model as version 1 of `name` (one row of `inputShape`) and deploys it. */
export async function deployOnnxVersion(app: BenchApp, name: string, inputShape: string, model: Buffer): Promise<void> {
  const form = new FormData();
  const fields = { name, version: '1', framework: 'onnx', task: 'regression', inputShape };
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('model', new Blob([model]), 'model.onnx');
  const auth = { authorization: `Bearer ${app.token}` };
  const uploaded = await fetch(`${app.baseUrl}/api/v1/models`, { method: 'POST', headers: auth, body: form });
  if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
  const url = `${app.baseUrl}/api/v1/models/${name}/versions/1/deploy`;
  const deployed = await fetch(url, { method: 'POST', headers: auth });
  if (deployed.status !== 200) throw new Error(`deploy: ${deployed.status} ${await deployed.text()}`);
}

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** autocannon's options, with its unmeasured warm-up run (missing from its type definitions). */
export type LoadOptions = autocannon.Options & { warmup?: { connections: number; duration: number } };

export async function load(label: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({ duration: Number(process.env.BENCH_SECONDS ?? 10), connections: 32, ...options });
  const summary = {
    label,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
  console.log(
    `${label.padEnd(48)} ${String(summary.requestsPerSecond).padStart(7)} req/s   p50 ${summary.p50} ms   ` +
      `p99 ${summary.p99} ms   errors ${summary.errors}   non-2xx ${summary.non2xx}`,
  );
  return summary;
}

/** A 1-row predict of the shipped sensor-anomaly classifier, as `app`'s admin: the benches' common load. */
export const onePredict = (app: BenchApp): Target => ({
  baseUrl: app.baseUrl,
  requests: [
    {
      method: 'POST',
      path: '/api/v1/inference/sensor-anomaly/predict',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` },
      body: JSON.stringify({ inputs: [[20, 40, 1010]] }),
    },
  ],
});
