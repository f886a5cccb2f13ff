import mysql from 'mysql2/promise';
import { testEngine } from './test-database.js';

/** Fails fast, with a clear message, when the selected engine is not reachable. */
export default async function globalSetup(): Promise<void> {
  if (testEngine() !== 'mariadb') return;
  const server = new URL(process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306');
  try {
    const connection = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username || 'root'), password: decodeURIComponent(server.password) });
    await connection.end();
  } catch (error) {
    throw new Error(`TEST_DB=mariadb but no MariaDB answers at ${server.host}: ${(error as Error).message}`);
  }
}
