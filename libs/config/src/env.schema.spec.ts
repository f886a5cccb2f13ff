import { describe, expect, it } from '@jest/globals';
import { trustProxyOf, validateEnvironment } from './env.schema.js';

describe('validateEnvironment', () => {
  it('fills defaults and generates a JWT secret outside production', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'sqlite:///./data/app.sqlite',
      JWT_EXPIRES_IN: '1h',
      BODY_LIMIT: '1mb',
    });
    expect(env.JWT_SECRET?.length).toBeGreaterThanOrEqual(32);
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
    expect(validateEnvironment({}).INFERENCE_FAST_PATH).toBe('auto');
    expect(validateEnvironment({ INFERENCE_FAST_PATH: 'off' }).INFERENCE_FAST_PATH).toBe('off');
    expect(() => validateEnvironment({ INFERENCE_FAST_PATH: 'on' })).toThrow(/INFERENCE_FAST_PATH/);
  });

  it('splits list settings', () => {
    expect(validateEnvironment({ CORS_ORIGINS: 'https://a.example, https://b.example' }).CORS_ORIGINS).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('reads TRUST_PROXY as off, a hop count or trusted addresses, and refuses anything else', () => {
    expect(trustProxyOf(validateEnvironment({}).TRUST_PROXY)).toBe(false);
    expect(trustProxyOf(validateEnvironment({ TRUST_PROXY: '1' }).TRUST_PROXY)).toBe(1);
    expect(trustProxyOf(validateEnvironment({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).TRUST_PROXY)).toEqual([
      'loopback',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(() => validateEnvironment({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => validateEnvironment({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});
