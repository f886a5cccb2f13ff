import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JWT_SECRET_FILE } from '../../libs/config/src/jwt-secret-file.js';
import { processEnvironment, startApi } from '../helpers/app-process.js';
import { ADMIN } from '../helpers/test-app.js';

/** The README's quick start: no JWT_SECRET, a SQLite file, restarts in between. */
describe('the quick start without JWT_SECRET', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'quick_start_'));
    const databaseUrl = `sqlite:///${join(dir, 'data', 'app.sqlite')}`;
    env = processEnvironment(databaseUrl, join(dir, 'models'), { NODE_ENV: 'development', JWT_SECRET: '' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const login = async (baseUrl: string) => {
    const response = await fetch(`${baseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const me = (baseUrl: string, token: string) =>
    fetch(`${baseUrl}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } });

  it('keeps a token valid across a restart: the secret is made once beside the SQLite file, mode 600', async () => {
    const first = await startApi(env);
    const token = await login(first.baseUrl!);
    const file = join(dir, 'data', JWT_SECRET_FILE);
    expect(first.output()).toContain(`using the secret generated once in ${file} (mode 600)`);
    await first.kill('SIGTERM');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8');

    const second = await startApi(env);
    try {
      const answer = await me(second.baseUrl!, token);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { username: string }).username).toBe(ADMIN.username);
      expect(readFileSync(file, 'utf8')).toBe(secret);
    } finally {
      await second.kill('SIGTERM');
    }
  });

  it('still refuses to start in production without JWT_SECRET', async () => {
    await expect(startApi({ ...env, NODE_ENV: 'production' })).rejects.toThrow(
      /JWT_SECRET: required when NODE_ENV=production/,
    );
  });
});
