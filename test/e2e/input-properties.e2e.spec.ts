import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { dateForm, ingestBodyText, predictBodyText, queryValue } from '../helpers/hostile-arbitraries.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { connectStream } from '../helpers/ws-client.js';

// WebSocket calls (hostile stream frames) are not checked against the OpenAPI document, which describes HTTP only;
// every HTTP call here goes through t.http(), which is.

/** Bounded runs: each property is about 100–150 requests over HTTP against the real app. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 120);

const LIST_ROUTES = [
  '/api/v1/products',
  '/api/v1/products/low-stock',
  '/api/v1/categories',
  '/api/v1/orders',
  '/api/v1/orders/stats/summary',
  '/api/v1/users',
  '/api/v1/users/stats/top-spenders',
  '/api/v1/ingest/sensor-readings',
  '/api/v1/inference/records',
  '/api/v1/inference/stats',
  '/api/v1/models',
  '/api/v1/tags',
];
const QUERY_KEYS = [
  'page',
  'pageSize',
  'from',
  'to',
  'since',
  'sort',
  'search',
  'categoryId',
  'minPrice',
  'maxPrice',
  'inStock',
  'isActive',
  'threshold',
  'limit',
  'userId',
  'status',
  'sensorId',
  'isAnomaly',
  'model',
  'version',
  'name',
  'stage',
  'deployed',
  'tag',
  'role',
  'source',
  'success',
];

/**
 * Property: whatever the body, frame or query, the answer is 2xx or 4xx (never 5xx), and the
 * server still answers /health afterwards. fast-check prints the seed and the shrunk input of a
 * failure; PROPERTY_RUNS raises the count.
 */
describe('no input makes the server fail (property-based)', () => {
  let t: TestApp;
  let token: string;
  let streamUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    streamUrl = `${t.baseUrl.replace(/^http/, 'ws')}/api/v1/inference/stream`;
    token = (await t.customer()).token;
  });
  afterAll(() => t.close());
  afterEach(async () => {
    await t.http().get('/health').expect(200);
  });

  const post = (path: string, body: string, as = token) =>
    t.http().post(path).set(bearer(as)).set('Content-Type', 'application/json').send(body);
  const expectNot5xx = (response: { status: number; text: string }, input: unknown) => {
    if (response.status >= 500)
      throw new Error(`${response.status} for ${String(input).slice(0, 300)}: ${response.text.slice(0, 300)}`);
    expect(response.status).toBeGreaterThanOrEqual(200);
  };

  it('predict', async () => {
    await fc.assert(
      fc.asyncProperty(predictBodyText, async (body) =>
        expectNot5xx(await post('/api/v1/inference/sensor-anomaly/predict', body), body),
      ),
      { numRuns: RUNS },
    );
  });

  it('jobs', async () => {
    await fc.assert(
      fc.asyncProperty(predictBodyText, async (body) =>
        expectNot5xx(await post('/api/v1/inference/sensor-anomaly/jobs', body), body),
      ),
      { numRuns: RUNS },
    );
  });

  it('ingestion, plain and scored', async () => {
    const property = fc.asyncProperty(ingestBodyText, fc.boolean(), async (body, scored) => {
      expectNot5xx(await post(`/api/v1/ingest/sensor-readings${scored ? '?model=sensor-anomaly' : ''}`, body), body);
    });
    await fc.assert(property, { numRuns: RUNS });
  });

  it('list queries', async () => {
    const query = fc.dictionary(fc.constantFrom(...QUERY_KEYS), queryValue, { maxKeys: 4 });
    const property = fc.asyncProperty(fc.constantFrom(...LIST_ROUTES), query, async (path, params) => {
      expectNot5xx(
        await t
          .http()
          .get(path)
          .query(params as Record<string, string>)
          .set(bearer(t.adminToken)),
        `${path} ${JSON.stringify(params)}`,
      );
    });
    await fc.assert(property, { numRuns: RUNS * 2 });
  });

  it('date filters of readings and stats', async () => {
    const property = fc.asyncProperty(dateForm, dateForm, async (from, to) => {
      expectNot5xx(
        await t.http().get('/api/v1/ingest/sensor-readings').query({ from, to }).set(bearer(token)),
        `${from} ${to}`,
      );
      expectNot5xx(
        await t.http().get('/api/v1/inference/stats').query({ since: from }).set(bearer(t.adminToken)),
        from,
      );
    });
    await fc.assert(property, { numRuns: RUNS });
  });

  it('stream frames: every frame gets a reply frame and the socket stays open', async () => {
    const client = await connectStream(`${streamUrl}?token=${token}`);
    const frame = fc.oneof(
      predictBodyText.map((body) =>
        body.startsWith('{"inputs"') ? `{"id":7,"model":"sensor-anomaly",${body.slice(1)}` : body,
      ),
      fc
        .record(
          {
            id: fc.anything({ maxDepth: 1 }),
            model: fc.oneof(fc.constant('sensor-anomaly'), fc.string()),
            version: fc.anything({ maxDepth: 1 }),
            inputs: fc.anything({ maxDepth: 3 }),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
    );
    try {
      await fc.assert(
        fc.asyncProperty(frame, async (text) => {
          client.socket.send(text);
          const reply = await client.next();
          expect(reply).toHaveProperty('id');
          expect('error' in reply || 'predictions' in reply).toBe(true);
          expect(reply.error).not.toBe('Internal error');
        }),
        { numRuns: RUNS },
      );
      expect(client.socket.readyState).toBe(client.socket.OPEN);
    } finally {
      client.close();
    }
  });
});
