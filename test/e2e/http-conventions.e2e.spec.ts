import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ERROR_CODE_NAMES, ERROR_CODES } from '@app/common';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

describe('HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: '10kb', LOGIN_RATE_LIMIT_MAX: '3', RATE_LIMIT_TTL_MS: '60000' });
  });
  afterAll(() => t.close());

  it('echoes a sane X-Request-Id and makes one otherwise, also in error bodies', async () => {
    const echoed = await t.http().get('/health').set('X-Request-Id', 'trace-123').expect(200);
    expect(echoed.headers['x-request-id']).toBe('trace-123');
    const made = await t.http().get('/api/v1/users/1').expect(401);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.requestId).toBe(made.headers['x-request-id']);
    const unsafe = await t.http().get('/health').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(unsafe.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('answers malformed JSON with 400 and an oversized body with 413, in the error shape', async () => {
    const malformed = await t
      .http()
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send('{"username": ')
      .expect(400);
    expect(expectErrorShape(malformed.body, 400)).toMatchObject({
      code: 'MALFORMED_JSON',
      message: 'Malformed JSON body',
    });
    const big = await t
      .http()
      .post('/api/v1/auth/register')
      .send({ username: 'big_user', email: 'big@example.test', password: 'Secret123', fullName: 'x'.repeat(20_000) })
      .expect(413);
    expect(expectErrorShape(big.body, 413).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('gives each error a stable catalogue code: a specific one, or a generic one where no more is meant', async () => {
    const invalid = await t.http().post('/api/v1/auth/register').send({ username: 'x' }).expect(400);
    expect(expectErrorShape(invalid.body, 400).code).toBe('VALIDATION_FAILED');
    const unauthenticated = await t.http().get('/api/v1/auth/me').expect(401);
    expect(expectErrorShape(unauthenticated.body, 401).code).toBe('AUTH_TOKEN_MISSING');
    const missing = await t.http().get('/api/v1/products/999999').expect(404);
    expect(expectErrorShape(missing.body, 404).code).toBe('PRODUCT_NOT_FOUND');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    expect(expectErrorShape((await t.http().get('/api/v1/nothing-here').expect(404)).body, 404).code).toBe(
      'ROUTE_NOT_FOUND',
    );
  });

  it('sets security headers (helmet)', async () => {
    const response = await t.http().get('/health').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBeDefined();
  });

  it('rate-limits login attempts with 429', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      statuses.push(
        (await t.http().post('/api/v1/auth/token').send({ username: 'ghost', password: 'Nope12345' })).status,
      );
    }
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses.at(-1)).toBe(429);
    const limited = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ username: 'ghost', password: 'Nope12345' })
      .expect(429);
    expectErrorShape(limited.body, 429);
    // The login limit does not touch other routes.
    await t.http().get('/api/v1/auth/me').set(bearer(t.adminToken)).expect(200);
  });
});

describe('health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports liveness and readiness with the pool counts', async () => {
    expect((await t.http().get('/health').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.checks.database).toMatchObject({
      status: 'up',
      pool: { inUse: expect.any(Number), idle: expect.any(Number) },
    });
  });
});

describe('Swagger', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the UI at /docs and the document at /docs-json with both security schemes', async () => {
    const ui = await t.http().get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
    const document = (await t.http().get('/docs-json').expect(200)).body;
    expect(document.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe('/api/v1/auth/token');
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
    expect(document.components.schemas.ErrorBodyDto).toBeDefined();
  });

  it("documents each route's response schema, and on protected ones bearer, OAuth2 and X-API-Key", async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body;
    const publicOperations = new Set([
      'POST /api/v1/auth/register',
      'POST /api/v1/auth/token',
      'GET /health',
      'GET /health/ready',
      'GET /metrics',
      'GET /',
      'GET /v2/health/live',
      'GET /v2/health/ready',
    ]);
    for (const [path, methods] of Object.entries<
      Record<string, { security?: object[]; responses: Record<string, unknown> }>
    >(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const key = `${method.toUpperCase()} ${path}`;
        expect([key, Object.keys(operation.responses).some((status) => /^2/.test(status))]).toEqual([key, true]);
        if (publicOperations.has(key) || (/^\/api\/v1\/(categories|products|tags)/.test(path) && method === 'get'))
          continue;
        const schemes = (operation.security ?? []).flatMap((entry) => Object.keys(entry));
        expect([key, schemes.sort()]).toEqual([key, ['apiKey', 'bearer', 'oauth2']]);
      }
    }
    expect(document.paths['/api/v1/users/bulk'].post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'array',
    });
  });

  it('lists every code of the catalogue, with its status and meaning, and no other, as ErrorBodyDto.code', async () => {
    const { schemas } = (await t.http().get('/docs-json').expect(200)).body.components;
    // The response validator checks every error body against this enum, so an undocumented code fails any test
    // that meets it.
    expect([...schemas.ErrorCode.enum].sort()).toEqual([...ERROR_CODE_NAMES].sort());
    const code = schemas.ErrorBodyDto.properties.code;
    expect(JSON.stringify(code)).toContain('#/components/schemas/ErrorCode');
    for (const name of ERROR_CODE_NAMES)
      expect(code.description).toContain(`\`${name}\` (${ERROR_CODES[name].status}): ${ERROR_CODES[name].description}`);
    expect(JSON.stringify(schemas.BulkFailureDto.properties.code)).toContain('#/components/schemas/ErrorCode');
  });
});
