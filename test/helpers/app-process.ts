import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ADMIN, TEST_JWT_SECRET } from './test-constants.js';
import { waitFor } from './wait-for.js';

/** The settings every test process gets: a test database, its own model store, the test admin. */
export function processEnvironment(
  databaseUrl: string,
  modelsDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATE_ON_BOOT: 'true',
    MODELS_DIR: modelsDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_USERNAME: ADMIN.username,
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '1000000',
    ...extra,
  };
}

/**
 * What ships: the bundled entry points (scripts/bundle.ts, dist/bundle/), which `start:prod`, the
 * image and compose run; in-process tests (test-app.ts) cover the modules they are built from.
 */
export const API_MAIN = fileURLToPath(new URL('../../bundle/api.mjs', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../bundle/worker.mjs', import.meta.url));

/** Ports this test process has handed out: a second process must not be given one before the first binds it. */
const handedOut = new Set<number>();

/**
 * A port nothing listens on now, and that this test process has not handed out before. The second
 * rule matters when processes start side by side (an API beside a worker): the first may not have
 * bound its port yet, and the OS would offer it again; the second would then answer for the first.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() =>
          typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
        );
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export interface RunningProcess {
  child: ChildProcess;
  baseUrl?: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Extra Node flags for the started apps, e.g. API_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile a bench. */
const nodeArgs = (process.env.API_NODE_ARGS ?? '').split(' ').filter(Boolean);

function start(entry: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += String(chunk)));
  child.stderr?.on('data', (chunk) => (log += String(chunk)));
  return { child, output: () => log };
}

function killer(child: ChildProcess) {
  return (signal: NodeJS.Signals = 'SIGKILL') =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
}

/** Starts the built API as a real process and waits until /health/ready answers 200. */
export async function startApi(env: Record<string, string>, entry = API_MAIN): Promise<RunningProcess> {
  const port = await freePort();
  const { child, output } = start(entry, { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`API exited early (${child.signalCode ?? child.exitCode}):\n${output()}`);
      const response = await fetch(`${baseUrl}/health/ready`).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    },
    60_000,
    100,
  );
  return { child, baseUrl, output, kill: killer(child) };
}

/** Starts the built worker app as a real process. */
export function startWorker(env: Record<string, string>): RunningProcess {
  // Its metrics/health server takes any free port unless the test picks one (PORT).
  const { child, output } = start(WORKER_MAIN, { PORT: '0', HOST: '127.0.0.1', ...env });
  return { child, output, kill: killer(child) };
}

/** Starts the built API and waits only for liveness (/health): for a process expected not to be ready. */
export async function startApiAlive(env: Record<string, string>): Promise<RunningProcess> {
  const port = await freePort();
  const { child, output } = start(API_MAIN, { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`API exited early:\n${output()}`);
      const response = await fetch(`${baseUrl}/health`).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    },
    60_000,
    100,
  );
  return { child, baseUrl, output, kill: killer(child) };
}
