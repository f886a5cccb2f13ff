import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { deepJson, numberish } from '../helpers/hostile-arbitraries.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 80);
const MODEL = 'sensor-anomaly';

/** A traffic-policy body: odd weights and versions, wrong shapes, deep nesting, raw odd JSON. */
const policyBodyText: fc.Arbitrary<string> = fc.oneof(
  fc
    .record(
      {
        versions: fc.oneof(
          fc.array(
            fc.record(
              {
                version: fc.oneof(
                  fc.constantFrom('1.0.0', 'latest', 'production', '9.9.9', ''),
                  fc.string({ maxLength: 12 }),
                ),
                weight: numberish,
              },
              { requiredKeys: [] },
            ),
            {
              maxLength: 4,
            },
          ),
          fc.anything({ maxDepth: 2 }),
        ),
        shadow: fc.oneof(
          fc.array(fc.oneof(fc.constantFrom('1.0.0', '9.9.9'), fc.string({ maxLength: 8 })), { maxLength: 3 }),
          fc.anything({ maxDepth: 1 }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  deepJson.map((versions) => `{"versions":${versions}}`),
  fc.string({ maxLength: 40 }),
);

/** An alias body, and an alias name that may or may not fit the pattern. */
const aliasBodyText: fc.Arbitrary<string> = fc.oneof(
  fc
    .record(
      {
        version: fc.oneof(
          fc.constantFrom('9.9.9', 'latest', '', '../1.0.0'),
          fc.string({ maxLength: 12 }),
          fc.anything({ maxDepth: 1 }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  deepJson.map((version) => `{"version":${version}}`),
  fc.string({ maxLength: 40 }),
);
const aliasName = fc.oneof(
  fc.constantFrom('latest', 'production', '1.0.0', 'champion', 'a'.repeat(300), '..', '%00', 'ch ampion'),
  fc.string({ minLength: 1, maxLength: 20 }),
);

/**
 * Property: whatever the body or alias name, a PUT of a traffic policy or an alias that is not
 * valid answers 4xx in the contract's error shape (never 5xx) and changes nothing: no policy, no
 * alias, no registry event, and production still serves every call.
 */
describe('traffic-policy and alias routes under hostile input (property-based)', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const codes = new Set<string>();
  const expectRefused = (response: { status: number; body: Record<string, unknown> }) => {
    codes.add(String(response.body.code));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expectErrorShape(response.body, response.status);
  };

  it('refuses every bad policy body with a 4xx and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(policyBodyText, async (text) => {
        const response = await t
          .http()
          .put(`/api/v1/models/${MODEL}/traffic`)
          .set(admin())
          .set('content-type', 'application/json')
          .send(text);
        // A body that happens to be a valid policy (one version at weight 100) is the one allowed success.
        if (response.status === 200) {
          await t.http().delete(`/api/v1/models/${MODEL}/traffic`).set(admin()).expect(204);
          return;
        }
        expectRefused(response);
      }),
      { numRuns: RUNS },
    );
    await t.http().get(`/api/v1/models/${MODEL}/traffic`).set(admin()).expect(404);
    // The bodies reached the rules, not only the parser.
    expect(codes).toContain('VALIDATION_FAILED');
    expect(codes.size).toBeGreaterThan(1);
    codes.clear();
  }, 120_000);

  it('refuses every bad alias body or name with a 4xx and creates no alias', async () => {
    await fc.assert(
      fc.asyncProperty(aliasName, aliasBodyText, async (alias, text) => {
        const response = await t
          .http()
          .put(`/api/v1/models/${MODEL}/aliases/${encodeURIComponent(alias)}`)
          .set(admin())
          .set('content-type', 'application/json')
          .send(text);
        expectRefused(response);
      }),
      { numRuns: RUNS },
    );
    expect(codes).toContain('VALIDATION_FAILED');
    expect(codes.size).toBeGreaterThan(1);
    const versions = await t.http().get(`/api/v1/models/${MODEL}`).set(admin()).expect(200);
    for (const version of versions.body as { aliases: string[] }[]) expect(version.aliases).toEqual([]);
    const events = await t
      .http()
      .get(`/api/v1/models/${MODEL}/events`)
      .set(admin())
      .query({ pageSize: 100 })
      .expect(200);
    expect((events.body.items as { action: string }[]).filter((event) => event.action === 'alias')).toEqual([]);
    const served = await t
      .http()
      .post(`/api/v1/inference/${MODEL}/predict`)
      .set(admin())
      .send({ inputs: [21, 45, 1012] })
      .expect(200);
    expect(served.body.version).toBe('1.0.0');
    await t.http().get('/health').expect(200);
  }, 120_000);
});
