import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ModelLoadFailures } from '@app/serving/models/model-load-failures.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { expectOipError } from '../helpers/oip-conformance.js';

// In-process (createInProcessApp), not the shipped bundle: it records a load failure in the
// ModelLoadFailures provider, as a failed load of a deployed version on this process would.

describe('V2 server readiness with a failed load', () => {
  let t: InProcessApp;

  beforeAll(async () => {
    t = await createInProcessApp();
  });
  afterAll(() => t.close());

  it('server ready is 503 { error } while a deployed version failed to load here, 200 once it is back', async () => {
    const failures = t.app.get(ModelLoadFailures);
    failures.record('sensor-anomaly@0.9.0', 'sensor-anomaly', '0.9.0', 'artifact missing');
    try {
      expectOipError((await t.http().get('/v2/health/ready').expect(503)).body);
      expect((await t.http().get('/v2/health/live').expect(200)).text).toBe('');
    } finally {
      failures.clear('sensor-anomaly@0.9.0');
    }
    expect((await t.http().get('/v2/health/ready').expect(200)).text).toBe('');
  });
});
