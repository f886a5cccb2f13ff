import { isAbsolute, resolve } from 'node:path';

/** What a DATABASE_URL names, in the SQLAlchemy style the seeds used. */
export type ParsedDatabaseUrl =
  | { engine: 'sqlite'; file: string }
  | { engine: 'mysql' | 'mariadb'; host: string; port: number; username: string; password: string; database: string };

export const DEFAULT_DATABASE_URL = 'sqlite:///./data/app.sqlite';

/**
 * `sqlite:///relative/path.sqlite`, `sqlite:////absolute/path.sqlite`, `sqlite:///:memory:`,
 * `mysql://user:pass@host:3306/db`, `mariadb://user:pass@host:3306/db`.
 * Relative SQLite paths resolve against the working directory.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): ParsedDatabaseUrl {
  const sqlite = /^sqlite:\/\/\/(.+)$/.exec(url);
  if (sqlite) {
    const path = sqlite[1];
    if (path === ':memory:') return { engine: 'sqlite', file: ':memory:' };
    return { engine: 'sqlite', file: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL');
  }
  const scheme = parsed.protocol.replace(/:$/, '').replace(/\+.*$/, '');
  if (scheme !== 'mysql' && scheme !== 'mariadb') {
    throw new Error(`DATABASE_URL scheme "${scheme}" is not supported (use sqlite, mysql or mariadb)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL must name a database');
  return {
    engine: scheme,
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
  };
}
