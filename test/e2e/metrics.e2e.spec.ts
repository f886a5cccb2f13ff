import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('exposes Prometheus text with HTTP counts by route template, pool use and process metrics', async () => {
    await t.http().get('/api/v1/auth/me').set(bearer(t.adminToken)).expect(200);
    await t.http().get('/api/v1/users/424242').set(bearer(t.adminToken)).expect(404);
    const response = await t.http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/auth\/me",status="200"\} 1/);
    expect(response.text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/users\/:id",status="404"\} 1/);
    expect(response.text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/auth\/me",status="200"\}/,
    );
    expect(response.text).toMatch(/^db_pool_connections_in_use \d+/m);
    expect(response.text).toMatch(/^process_cpu_user_seconds_total /m);
    for (const line of response.text.split('\n').filter((row) => row && !row.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.e+-]+|NaN|[+-]Inf$/);
    }
  });
});
