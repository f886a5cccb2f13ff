import { connect } from 'node:net';
import mysql from 'mysql2/promise';

/**
 * Where the optional test services live, and whether they answer. The global setup probes once per
 * run and hands the answer to every test file through the environment (see test/helpers/services.ts),
 * so the rule "skip on a developer's machine, fail in CI" lives in one place.
 */
export const testRedisUrl = (): string => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const testMariadbUrl = (): string => process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';

/** Set by the global setup: '1' when Redis answered, '0' when it did not (and CI is off). */
export const REDIS_AVAILABLE_FLAG = 'TEST_REDIS_AVAILABLE';

/**
 * Appended to the name of every test or block skipped because Redis did not answer, so the report
 * says why next to each one and CI (.ci/jest-summary.mjs) can count them.
 */
export const NEEDS_REDIS_TAG = '[needs Redis]';

/** CI must never skip silently: a missing service fails the run there. */
export const inCi = (): boolean => ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

const PROBE_TIMEOUT_MS = 2000;

/** Resolves to undefined when a Redis server answers PING, else to the reason it did not. */
export function probeRedis(url: string): Promise<string | undefined> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: target.hostname, port: Number(target.port || 6379) });
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(`no answer within ${PROBE_TIMEOUT_MS} ms`));
    socket.once('error', (error) => done(error.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    // Any RESP reply ("+PONG", or "-NOAUTH" from a server wanting a password) means Redis is there.
    socket.once('data', (data) =>
      done(/^[+-]/.test(data.toString()) ? undefined : 'the server there does not speak Redis'),
    );
  });
}

/** Resolves to undefined when the MariaDB/MySQL server accepts a connection, else to the reason. */
export async function probeMariadb(url: string): Promise<string | undefined> {
  const server = new URL(url);
  try {
    const connection = await mysql.createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username || 'root'),
      password: decodeURIComponent(server.password),
      connectTimeout: PROBE_TIMEOUT_MS,
    });
    await connection.end();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
