import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

/**
 * Each test file gets a database of its own, built by the real migrations. TEST_DB selects the
 * engine (`sqlite`, the default, or `mariadb`); TEST_MARIADB_URL points at the server.
 */
export type TestEngine = 'sqlite' | 'mariadb';

export const testEngine = (): TestEngine => (process.env.TEST_DB === 'mariadb' ? 'mariadb' : 'sqlite');

const mariadbServer = () => new URL(process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306');

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Refuses any database whose name does not say it is for tests. */
export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name))
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test"`);
}

/** A fresh, empty database on the given engine (TEST_DB by default); the caller migrates it. */
export async function createTestDatabase(engine: TestEngine = testEngine()): Promise<TestDatabase> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  if (engine === 'sqlite') {
    const file = join(tmpdir(), `app_test_${suffix}.sqlite`);
    assertTestDatabaseName(file);
    return {
      url: `sqlite:///${file}`,
      name: file,
      drop: async () => {
        for (const extension of ['', '-wal', '-shm']) rmSync(`${file}${extension}`, { force: true });
      },
    };
  }
  const server = mariadbServer();
  const name = `app_test_${suffix}`;
  assertTestDatabaseName(name);
  const admin = await adminConnection(server);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(server.toString());
  url.protocol = 'mariadb:';
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const connection = await adminConnection(server);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

function adminConnection(server: URL) {
  return mysql.createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username || 'root'),
    password: decodeURIComponent(server.password),
  });
}
