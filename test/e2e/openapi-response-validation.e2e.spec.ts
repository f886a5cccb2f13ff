import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OpenApiResponseValidator } from '../helpers/openapi-response-validator.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

type Json = Record<string, unknown>;

/**
 * The response validator every e2e test goes through (test-app's http()), and the property it
 * relies on: each oneOf in the document has branches that exclude each other.
 */
describe('responses checked against the live OpenAPI document', () => {
  let t: TestApp;
  let document: Json;
  let validator: OpenApiResponseValidator;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/docs-json').expect(200)).body as Json;
    validator = new OpenApiResponseValidator(document);
  });
  afterAll(() => t.close());

  const observed = (
    method: string,
    url: string,
    status: number,
    body: unknown,
    contentType = 'application/json; charset=utf-8',
  ) => ({
    method,
    url,
    status,
    contentType,
    text: typeof body === 'string' ? body : JSON.stringify(body),
  });

  it('accepts a classification and a regression answer from predict, each matching exactly one branch', async () => {
    const classified = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(t.adminToken))
      .send({ inputs: [[21, 45, 1012]] })
      .expect(200);
    const regressed = await t
      .http()
      .post('/api/v1/inference/order-value/predict')
      .set(bearer(t.adminToken))
      .send({ inputs: [[3, 20, 2, 5]] })
      .expect(200);
    expect(Object.keys(classified.body.predictions[0]).sort()).toEqual(['confidence', 'label', 'probabilities']);
    expect(Object.keys(regressed.body.predictions[0])).toEqual(['value']);
    for (const response of [classified, regressed])
      expect(validator.check(observed('POST', '/api/v1/inference/x/predict', 200, response.text))).toBeUndefined();
  });

  it('fails a body that matches no branch or two, naming the operation, the status and the schema errors', () => {
    const both = {
      model: 'm',
      version: '1',
      latencyMs: 1,
      predictions: [{ label: 'a', confidence: 1, probabilities: { a: 1 }, value: 2 }],
    };
    const message = validator.check(observed('POST', '/api/v1/inference/m/predict?x=1', 200, both));
    expect(message).toContain('POST /api/v1/inference/{name}/predict answered 200');
    expect(message).toContain('/predictions/0 must match exactly one schema in oneOf');
    expect(validator.check(observed('GET', '/api/v1/products/1', 200, { id: 'one' }))).toMatch(
      /GET \/api\/v1\/products\/\{id\} answered 200[^]*must have required property 'name'[^]*\/id must be number/,
    );
  });

  it('fails an undocumented status, an unknown operation, and an error body out of shape', () => {
    expect(validator.check(observed('GET', '/api/v1/auth/me', 418, {}))).toMatch(
      /GET \/api\/v1\/auth\/me answered 418: status 418 is not documented \(documented: 200, 401/,
    );
    expect(validator.check(observed('PUT', '/api/v1/auth/me', 200, {}))).toMatch(/the document has no PUT operation/);
    expect(validator.check(observed('GET', '/api/v1/nowhere', 200, {}))).toMatch(/the path is not in the document/);
    expect(validator.check(observed('GET', '/api/v1/auth/me', 401, { message: 'no' }))).toMatch(
      /must have required property 'statusCode'/,
    );
    expect(validator.check(observed('GET', '/api/v1/nowhere', 404, { message: 'no' }))).toMatch(
      /must have required property 'statusCode'/,
    );
    expect(validator.check(observed('GET', '/metrics', 200, '# HELP x\n', 'application/json'))).toMatch(
      /body is not valid JSON|answered application\/json/,
    );
    expect(
      validator.check(observed('GET', '/metrics', 200, '# HELP x\n', 'text/plain; version=0.0.4')),
    ).toBeUndefined();
  });

  it('fails a create whose answer lacks the Location header the document requires', async () => {
    const tag = await t
      .http()
      .post('/api/v1/tags')
      .set(bearer(t.adminToken))
      .send({ name: 'validator-tag' })
      .expect(201);
    const answer = { ...observed('POST', '/api/v1/tags', 201, tag.body), headers: tag.headers };
    expect(validator.check(answer)).toBeUndefined();
    const { location: _dropped, ...withoutLocation } = tag.headers as Record<string, string>;
    expect(validator.check({ ...answer, headers: withoutLocation })).toMatch(
      /POST \/api\/v1\/tags answered 201: the documented header Location is missing/,
    );
  });

  it('makes a test fail through http() when the answer does not match', async () => {
    // /health answers { status: 'ok' }; checking it against another operation's schema must fail the request.
    const strict = new OpenApiResponseValidator({
      ...document,
      paths: {
        '/health': {
          get: {
            responses: {
              '200': {
                description: 'x',
                content: {
                  'application/json': {
                    schema: { type: 'object', required: ['nope'], properties: { nope: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
      },
    });
    const { validatedRequest } = await import('../helpers/validated-request.js');
    await expect(validatedRequest(t.baseUrl, strict).get('/health').expect(200)).rejects.toThrow(
      /GET \/health answered 200[^]*must have required property 'nope'/,
    );
  });

  it('has only oneOf branches that exclude each other', () => {
    expect(ambiguousOneOfs(document)).toEqual([]);
  });
});

/**
 * Where two branches of a oneOf could both match one value (judged by type, enum [null], required and closed
 * properties).
 */
function ambiguousOneOfs(document: Json): string[] {
  const schemas = (document.components as Json).schemas as Record<string, Json>;
  const resolve = (schema: Json): Json =>
    typeof schema.$ref === 'string' ? resolve(schemas[schema.$ref.split('/').pop()!]) : schema;
  const kind = (schema: Json) =>
    Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null
      ? 'null'
      : String(schema.type ?? 'any');
  const excludes = (a: Json, b: Json) =>
    ((a.required as string[] | undefined) ?? []).some(
      (name) => b.additionalProperties === false && !(name in ((b.properties as Json | undefined) ?? {})),
    );
  const exclusive = (a: Json, b: Json) =>
    (kind(a) !== kind(b) && kind(a) !== 'any' && kind(b) !== 'any') ||
    (kind(a) === 'object' && (excludes(a, b) || excludes(b, a)));
  const found: string[] = [];
  const walk = (value: unknown, where: string) => {
    if (!value || typeof value !== 'object') return;
    const node = value as Json;
    if (Array.isArray(node.oneOf)) {
      const branches = (node.oneOf as Json[]).map(resolve);
      branches.forEach((a, i) =>
        branches
          .slice(i + 1)
          .forEach((b, j) => exclusive(a, b) || found.push(`${where}: branches ${i} and ${i + j + 1}`)),
      );
    }
    for (const [key, inner] of Object.entries(node)) walk(inner, `${where}/${key}`);
  };
  walk(document, '#');
  return found;
}
