/**
 * The HTTP floor: what the built API answers on its cheapest route (GET /health: Nest's
 * pipeline, the request-id, metrics and logging hooks, security headers; no database), beside a
 * bare Fastify server answering the same JSON. The gap is what Nest and the hooks cost per request;
 * any database route is below the first figure.
 *
 *   npm run build && npx tsx bench/http-floor.ts
 */
import { spawn } from 'node:child_process';
import { freePort } from '../test/helpers/app-process.js';
import { waitFor } from '../test/helpers/wait-for.js';
import { load, startBenchApp } from './lib/bench-app.js';

const WARMUP = { connections: 32, duration: 3 };

async function bareFastify(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const source =
    `const app = require('fastify')(); app.get('/health', async () => ({ ` +
    `status: 'ok' })); app.listen({ port: ${port}, host: '127.0.0.1' });`;
  const child = spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/health`;
  await waitFor(async () => ((await fetch(url).catch(() => undefined))?.ok ? true : undefined), 10_000, 50);
  return { url, stop: () => child.kill() };
}

const app = await startBenchApp();
try {
  await load('GET /health, the API (Nest + hooks)', { url: `${app.baseUrl}/health`, warmup: WARMUP });
} finally {
  await app.stop();
}
const bare = await bareFastify();
try {
  await load('GET /health, bare Fastify', { url: bare.url, warmup: WARMUP });
} finally {
  bare.stop();
}
