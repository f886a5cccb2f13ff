import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CORS_EXPOSED_HEADERS, CORS_METHODS, CORS_REQUEST_HEADERS } from '../../apps/api/src/core/cors.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const ALLOWED = 'http://localhost:5173';
const OTHER = 'http://elsewhere.example';
const listOf = (header: string | undefined) => (header ?? '').split(',').map((name) => name.trim().toLowerCase());

/** Every documented operation, with its path parameters filled in (a preflight never reaches the route). */
async function documentedOperations(t: TestApp): Promise<{ method: string; url: string }[]> {
  const document = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, object> };
  return Object.entries(document.paths).flatMap(([template, operations]) =>
    Object.keys(operations).map((method) => ({
      method: method.toUpperCase(),
      url: template.replace(/\{[^}]+\}/g, '1'),
    })),
  );
}

function preflight(t: TestApp, url: string, origin: string, method: string) {
  return t
    .http()
    .options(url)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', CORS_REQUEST_HEADERS.join(',').toLowerCase());
}

describe('CORS with configured origins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${ALLOWED},http://127.0.0.2:1`, CORS_MAX_AGE_S: '120' });
  });
  afterAll(() => t.close());

  it('allows exactly the methods the OpenAPI document serves (HEAD with GET)', async () => {
    const served = new Set((await documentedOperations(t)).map(({ method }) => method));
    expect([...served].sort()).toEqual(CORS_METHODS.filter((method) => method !== 'HEAD').sort());
    // Fastify answers HEAD wherever it answers GET.
    await t.http().head('/health').expect(200);
  });

  it('lets the configured origin preflight every documented operation with every request header', async () => {
    for (const { method, url } of await documentedOperations(t)) {
      const answer = await preflight(t, url, ALLOWED, method);
      const where = `${method} ${url}`;
      expect([where, answer.status]).toEqual([where, 204]);
      expect([where, answer.headers['access-control-allow-origin']]).toEqual([where, ALLOWED]);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
      expect(listOf(answer.headers['access-control-allow-methods'])).toContain(method.toLowerCase());
      expect(answer.headers['access-control-max-age']).toBe('120');
      const allowedHeaders = listOf(answer.headers['access-control-allow-headers']);
      for (const header of CORS_REQUEST_HEADERS) expect(allowedHeaders).toContain(header.toLowerCase());
    }
  });

  it('refuses another origin: no Access-Control-Allow-Origin on its preflight or its answers', async () => {
    for (const { method, url } of await documentedOperations(t)) {
      const answer = await preflight(t, url, OTHER, method);
      expect([`${method} ${url}`, answer.headers['access-control-allow-origin']]).toEqual([
        `${method} ${url}`,
        undefined,
      ]);
    }
    const plain = await t.http().get('/').set('Origin', OTHER).expect(200);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes every response header the contract gives meaning to, on answers and errors alike', async () => {
    for (const url of ['/', '/api/v1/orders']) {
      const answer = await t.http().get(url).set('Origin', ALLOWED);
      expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
      const exposed = listOf(answer.headers['access-control-expose-headers']);
      for (const header of CORS_EXPOSED_HEADERS) expect(exposed).toContain(header.toLowerCase());
    }
  });
});

describe('CORS without configured origins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: '' });
  });
  afterAll(() => t.close());

  it('answers a preflight as a server without CORS: 204, no Access-Control-Allow-* header, not a 404', async () => {
    for (const { method, url } of await documentedOperations(t)) {
      const answer = await preflight(t, url, ALLOWED, method);
      const where = `${method} ${url}`;
      expect([where, answer.status]).toEqual([where, 204]);
      const corsHeaders = Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));
      expect([where, corsHeaders]).toEqual([where, []]);
    }
    const plain = await t.http().get('/').set('Origin', ALLOWED).expect(200);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });
});
