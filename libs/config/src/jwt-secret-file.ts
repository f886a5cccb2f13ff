import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDatabaseUrl } from '@app/database';

/** The file beside the SQLite database that keeps the quick start's generated secret. */
export const JWT_SECRET_FILE = 'jwt-secret';

const generate = () => randomBytes(48).toString('base64url');

/**
 * The secret when JWT_SECRET is unset outside production. On a SQLite file: made once and kept
 * beside it (mode 600), so tokens survive restarts and every process on that database (the API, the
 * worker, the CLIs) signs alike. Elsewhere (MySQL/MariaDB, an in-memory SQLite) there is no local
 * place that belongs to the database: a random secret per process, and tokens die with it.
 */
export function generatedJwtSecret(databaseUrl: string): { secret: string; notice: string } {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.engine !== 'sqlite' || target.file === ':memory:')
    return {
      secret: generate(),
      notice: 'JWT_SECRET is not set: using a random secret, so tokens will not survive a restart (set JWT_SECRET)',
    };
  const file = join(dirname(target.file), JWT_SECRET_FILE);
  mkdirSync(dirname(file), { recursive: true });
  try {
    // 'wx': the first process to get here writes it; one starting at the same time reads that one.
    writeFileSync(file, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret (32 characters or more); delete it`);
  return {
    secret,
    notice: `JWT_SECRET is not set: using the secret generated once in ${file} (mode 600), so tokens survive restarts`,
  };
}
