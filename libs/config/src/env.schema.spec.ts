import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustProxyOf, validateEnvironment } from './env.schema.js';
import { JWT_SECRET_FILE } from './jwt-secret-file.js';

/** No JWT secret generated (and no file written) where the test is about other settings. */
const QUIET = { quiet: true };

describe('validateEnvironment', () => {
  it('fills defaults', () => {
    const env = validateEnvironment({}, { quiet: true });
    expect(env).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'sqlite:///./data/app.sqlite',
      JWT_EXPIRES_IN: '1h',
      BODY_LIMIT: '1mb',
      CORS_MAX_AGE_S: 600,
    });
  });

  it('outside production, generates a JWT secret once beside the SQLite file (mode 600) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwt_secret_'));
    try {
      const url = `sqlite:///${join(dir, 'nested', 'app.sqlite')}`;
      const first = validateEnvironment({ DATABASE_URL: url }).JWT_SECRET!;
      expect(first.length).toBeGreaterThanOrEqual(32);
      const file = join(dir, 'nested', JWT_SECRET_FILE);
      expect(readFileSync(file, 'utf8').trim()).toBe(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(validateEnvironment({ DATABASE_URL: url }).JWT_SECRET).toBe(first);
      // A set JWT_SECRET wins over the file.
      expect(validateEnvironment({ DATABASE_URL: url, JWT_SECRET: 'y'.repeat(40) }).JWT_SECRET).toBe('y'.repeat(40));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on MySQL or an in-memory SQLite without JWT_SECRET, a random secret per process (no file to keep it in)', () => {
    for (const url of ['mysql://root@127.0.0.1:3306/app', 'sqlite:///:memory:']) {
      const first = validateEnvironment({ DATABASE_URL: url }).JWT_SECRET!;
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(validateEnvironment({ DATABASE_URL: url }).JWT_SECRET).not.toBe(first);
    }
  });

  it('stops the boot with a message naming each bad variable', () => {
    expect(() => validateEnvironment({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => validateEnvironment({ DATABASE_URL: 'postgres://x@y/z' })).toThrow(/DATABASE_URL/);
    expect(() => validateEnvironment({ JWT_EXPIRES_IN: 'forever' })).toThrow(/JWT_EXPIRES_IN/);
    expect(() => validateEnvironment({ ADMIN_EMAIL: 'a@b.io' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => validateEnvironment({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).JWT_SECRET).toBe('x'.repeat(40));
  });

  it('reads INFERENCE_FAST_PATH as auto (default) or off, and refuses anything else', () => {
    expect(validateEnvironment({}, QUIET).INFERENCE_FAST_PATH).toBe('auto');
    expect(validateEnvironment({ INFERENCE_FAST_PATH: 'off' }, QUIET).INFERENCE_FAST_PATH).toBe('off');
    expect(() => validateEnvironment({ INFERENCE_FAST_PATH: 'on' })).toThrow(/INFERENCE_FAST_PATH/);
  });

  it('reads INFERENCE_MEMORY_BUDGET_MB as unset (no limit) or a positive number of MiB', () => {
    expect(validateEnvironment({}, QUIET).INFERENCE_MEMORY_BUDGET_MB).toBeUndefined();
    expect(validateEnvironment({ INFERENCE_MEMORY_BUDGET_MB: '' }, QUIET).INFERENCE_MEMORY_BUDGET_MB).toBeUndefined();
    expect(validateEnvironment({ INFERENCE_MEMORY_BUDGET_MB: '0.5' }, QUIET).INFERENCE_MEMORY_BUDGET_MB).toBe(0.5);
    for (const bad of ['0', '-1', 'lots'])
      expect(() => validateEnvironment({ INFERENCE_MEMORY_BUDGET_MB: bad })).toThrow(/INFERENCE_MEMORY_BUDGET_MB/);
    expect(validateEnvironment({}, QUIET).INFERENCE_LOAD_WAIT_MS).toBe(30_000);
    expect(() => validateEnvironment({ INFERENCE_LOAD_WAIT_MS: '0' })).toThrow(/INFERENCE_LOAD_WAIT_MS/);
  });

  it('reads HEAP_GROWING_PERCENT as a whole number from 0 to 1000, 20 by default', () => {
    expect(validateEnvironment({}, QUIET).HEAP_GROWING_PERCENT).toBe(20);
    expect(validateEnvironment({ HEAP_GROWING_PERCENT: '0' }, QUIET).HEAP_GROWING_PERCENT).toBe(0);
    for (const bad of ['-1', '1001', '2.5', 'some'])
      expect(() => validateEnvironment({ HEAP_GROWING_PERCENT: bad })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('splits list settings', () => {
    expect(validateEnvironment({ CORS_ORIGINS: 'https://a.example, https://b.example' }, QUIET).CORS_ORIGINS).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('reads TRUST_PROXY as off, a hop count or trusted addresses, and refuses anything else', () => {
    expect(trustProxyOf(validateEnvironment({}, QUIET).TRUST_PROXY)).toBe(false);
    expect(trustProxyOf(validateEnvironment({ TRUST_PROXY: '1' }, QUIET).TRUST_PROXY)).toBe(1);
    expect(trustProxyOf(validateEnvironment({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }, QUIET).TRUST_PROXY)).toEqual([
      'loopback',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(() => validateEnvironment({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => validateEnvironment({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});
