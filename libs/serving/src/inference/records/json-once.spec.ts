import { describe, expect, it } from '@jest/globals';
import { boundedJson, MAX_OUTPUT_BYTES } from './inference-record.writer.js';
import { jsonOnce, serializeWithJsonOnce } from './json-once.js';

const predictions = () =>
  Array.from({ length: 64 }, (_, index) => ({
    label: index % 2 ? 'anomaly' : 'normal',
    probabilities: { normal: 0.25 + index / 1000, anomaly: 0.75 - index / 1000 },
  }));

describe('jsonOnce and serializeWithJsonOnce', () => {
  it('writes what JSON.stringify writes, for the body and for any other payload', () => {
    const body = {
      model: 'm',
      version: '1',
      skipped: undefined,
      predictions: predictions(),
      latencyMs: 1.25,
      unicode: 'é "q"',
    };
    const serialize = serializeWithJsonOnce(body, 'predictions');
    expect(serialize(body)).toBe(JSON.stringify(body));
    const error = { statusCode: 400, message: 'no' };
    expect(serialize(error)).toBe(JSON.stringify(error));
    for (const value of [null, 1, 'x', undefined, [1, { a: undefined }]])
      expect(jsonOnce(value)).toBe(JSON.stringify(value));
  });

  it('serialises an object once: the log reuses the response text, and keeps its bound', () => {
    const served = predictions();
    const body = { predictions: served };
    const first = serializeWithJsonOnce(body, 'predictions')(body);
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof JSON.stringify>) => {
      calls++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    try {
      expect(boundedJson(served)).toBe(stringify(served));
    } finally {
      JSON.stringify = stringify;
    }
    expect(calls).toBe(0);
    expect(first).toBe(stringify(body));
    // Too large for the log: still the summary, from the shared text's length.
    const huge = Array.from({ length: 2000 }, (_, index) => ({ label: 'x'.repeat(40), index }));
    jsonOnce(huge);
    const summary = JSON.parse(boundedJson(huge));
    expect(summary).toMatchObject({ truncated: true, rows: 2000 });
    expect(Buffer.byteLength(boundedJson(huge))).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
  });
});
