import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { MAX_PAGE } from '@app/common';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** Bounded runs: each property is about 100 requests over HTTP against the shipped app. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const FLOAT32_MAX = 3.4028234663852886e38;

/** A page value as a client may write it: decimal or not, in range or not, padded, signed, huge. */
const pageText = fc.oneof(
  fc.integer({ min: 1, max: MAX_PAGE }).map(String),
  fc.integer({ min: MAX_PAGE + 1, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.integer({ min: -5, max: 0 }).map(String),
  fc.constantFrom('1e3', '0x10', ' 2', '2 ', '+3', '007', '1.0', '9007199254740993', '', 'abc'),
  fc.string({ maxLength: 8 }),
);
// Query integers are plain decimal with an optional sign and at most 15 digits (no exponent, hex or blanks).
const isValidPage = (text: string) => /^[+-]?\d{1,15}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_PAGE;

/** Readings of the sensor model: any finite double, so some round to Infinity as float32. */
const reading = fc.tuple(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);
const fitsFloat32 = (row: number[]) => row.every((value) => Math.abs(value) <= FLOAT32_MAX);
const isExtreme = (row: number[]) => row.some((value) => Math.abs(value) > 1e30);

/**
 * Properties with an oracle: the never-5xx properties (input-properties.e2e) cannot see a bound that
 * stops holding, because a lost check turns a 400 into a 200. These say which answer each input must
 * get. Without db8a24a's checks (page bounds, values checked after float32 rounding) both fail.
 */
describe('inputs whose answer is known in advance', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = (await t.customer()).token;
  });
  afterAll(() => t.close());

  it('a page is 1..MAX_PAGE written in plain decimal (200); anything else is a 400 VALIDATION_FAILED', async () => {
    await fc.assert(
      fc.asyncProperty(pageText, async (page) => {
        const response = await t.http().get('/api/v1/products').query({ page });
        const expected = isValidPage(page) ? 200 : 400;
        expect({ page, status: response.status }).toEqual({ page, status: expected });
        if (expected === 400) expect(response.body.code).toBe('VALIDATION_FAILED');
      }),
      { numRuns: RUNS },
    );
  });

  it('a predict row is served when every value fits float32, refused with 400 when one does not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reading, { minLength: 1, maxLength: 4 }), async (rows) => {
        const response = await t
          .http()
          .post('/api/v1/inference/sensor-anomaly/predict')
          .set(bearer(token))
          .send({ inputs: rows });
        if (!rows.every(fitsFloat32)) {
          expect({ rows, status: response.status, code: response.body.code }).toEqual({
            rows,
            status: 400,
            code: 'INFERENCE_INPUT_INVALID',
          });
          return;
        }
        // A value that fits float32 but is far beyond anything the model saw (|x| > 1e30) may overflow
        // its layers: that is the documented 400 INFERENCE_OUTPUT_NOT_FINITE, never an input refusal.
        const answer = { rows, status: response.status, code: response.body.code as string | undefined };
        if (rows.some(isExtreme) && answer.status === 400)
          expect(answer).toEqual({ rows, status: 400, code: 'INFERENCE_OUTPUT_NOT_FINITE' });
        else expect({ rows, status: answer.status }).toEqual({ rows, status: 200 });
      }),
      { numRuns: RUNS },
    );
  });
});
