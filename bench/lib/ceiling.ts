/**
 * Starts bench/ceiling-server.ts as a child process on the given fixture (the product's own
 * answers), and checks that it answers the same JSON as the product before anything is measured.
 * CEILING_NODE_ARGS adds Node flags (e.g. --cpu-prof) to the ceiling process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { freePort } from '../../test/helpers/app-process.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import type { BackendPreference } from '../../libs/inference/src/index.js';
import type { CeilingFixture } from '../ceiling-server.js';
import type { BenchRequest } from './load-runner.js';

export interface Ceiling {
  baseUrl: string;
  /** Raw predict rows/s in the ceiling process: TF.js (the reference) or the library's dense fast path. */
  rawPredict(rows: number, seconds: number, width: number, executor?: 'tfjs' | 'fast'): Promise<number>;
  stop(): Promise<void>;
}

export async function startCeiling(fixture: CeilingFixture): Promise<Ceiling> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench_ceiling_')), 'fixture.json');
  writeFileSync(file, JSON.stringify(fixture));
  const port = await freePort();
  const nodeArgs = (process.env.CEILING_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', resolve(import.meta.dirname, '..', 'ceiling-server.ts')],
    {
      env: { ...process.env, CEILING_FIXTURE: file, PORT: String(port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`ceiling server exited ${child.exitCode}`);
      return (await fetch(`${baseUrl}/__ready`).catch(() => undefined))?.ok ? true : undefined;
    },
    60_000,
    100,
  );
  return {
    baseUrl,
    rawPredict: async (rows, seconds, width, executor = 'tfjs') => {
      const response = await fetch(`${baseUrl}/__bench/raw-predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows, seconds, width, executor }),
      });
      return ((await response.json()) as { rowsPerSecond: number }).rowsPerSecond;
    },
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The predict part of a fixture: the product's model version, and its answer (body text)
 * to each of `requests` by row count, which the ceiling replays instead of running the model.
 */
export async function predictFixture(
  productUrl: string,
  requests: BenchRequest[],
  model: string,
  backend: BackendPreference,
): Promise<NonNullable<CeilingFixture['predict']>> {
  const replies: Record<string, string> = {};
  let answer: { version: string; predictions: unknown[] } | undefined;
  for (const request of requests) {
    const response = await fetch(`${productUrl}${request.path}`, request);
    const text = await response.text();
    if (!response.ok) throw new Error(`capturing the product's predict answer: ${response.status} ${text}`);
    answer = JSON.parse(text) as typeof answer;
    replies[String(answer!.predictions.length)] = text;
  }
  if (!answer) throw new Error('no predict request to capture');
  return {
    modelDir: resolve('models', model, answer.version),
    name: model,
    version: answer.version,
    backend,
    replies,
  };
}

export async function send(baseUrl: string, request: BenchRequest): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: response.status, body: await response.json() };
}

/** Floats within 1e-6 (the product may batch rows the ceiling computes alone), latencyMs ignored. */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-6;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => close(item, b[index]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a).filter((key) => key !== 'latencyMs');
    const other = Object.keys(b).filter((key) => key !== 'latencyMs');
    return (
      isDeepStrictEqual(keys, other) &&
      keys.every((key) => close((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
    );
  }
  return isDeepStrictEqual(a, b);
}

/** Sends the same request to both; throws unless the statuses and the JSON (as above) agree. */
export async function assertSameJson(
  label: string,
  productUrl: string,
  ceilingUrl: string,
  request: BenchRequest,
  ceilingHeaders: Record<string, string> = {},
): Promise<void> {
  const product = await send(productUrl, request);
  const ceiling = await send(ceilingUrl, { ...request, headers: { ...request.headers, ...ceilingHeaders } });
  if (product.status !== ceiling.status || !close(product.body, ceiling.body)) {
    throw new Error(
      `${label}: the ceiling does not answer the product's JSON\n` +
        `product ${product.status} ${JSON.stringify(product.body).slice(0, 600)}\n` +
        `ceiling ${ceiling.status} ${JSON.stringify(ceiling.body).slice(0, 600)}`,
    );
  }
  console.log(`${label}: ceiling answers the product's JSON (checked)`);
}
