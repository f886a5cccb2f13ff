import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { answerBeforeBody } from '../helpers/early-answer.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { binaryBody, float32Bytes, float32Values, sendBinary, stringBytes } from '../helpers/v2-binary.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 120);
const ROWS = [21.5, 45, 1012, 85, 45, 1012];
const errorOf = (body: Buffer) => JSON.parse(body.toString('utf8')) as unknown;

/**
 * Hostile binary infer bodies: header lengths beyond the body or not numbers, sizes negative,
 * fractional, not numbers or disagreeing with shape × datatype, data cut short or with bytes left
 * over, BYTES tensors with length prefixes past their bytes. Each is a 400 in the protocol's
 * `{ error }` body (413 past the body limit), nothing is served from a misread body, and the process
 * keeps serving.
 */
describe('V2 binary tensor data: hostile framing', () => {
  let t: TestApp;
  let token: string;
  let input: string;
  let reference: number[];
  const send = (body: { body: Buffer; headerLength: number }, length?: string | number) =>
    sendBinary(t.http().post('/v2/models/sensor-anomaly/infer').set(bearer(token)), body, length);
  const tensor = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    inputs: [{ name: input, shape: [2, 3], datatype: 'FP32', parameters, ...extra }],
    outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
  });

  beforeAll(async () => {
    // A small inference body limit, so the 413 case needs no huge body.
    t = await createTestApp({ INFERENCE_BODY_LIMIT: '64kb' });
    ({ token } = await t.customer());
    input = (await t.http().get('/v2/models/sensor-anomaly').set(bearer(token)).expect(200)).body.inputs[0].name;
    const answer = await t
      .http()
      .post('/v2/models/sensor-anomaly/infer')
      .set(bearer(token))
      .send({ inputs: [{ name: input, shape: [2, 3], datatype: 'FP32', data: ROWS }] })
      .expect(200);
    reference = answer.body.outputs[0].data;
  });
  afterAll(() => t.close());

  it.each([
    ['a header length beyond the body', (b: Buffer) => b.length + 1, /beyond the body/],
    ['a negative header length', () => '-1', /byte count/],
    ['a header length that is not a number', () => 'NaN', /byte count/],
    ['a fractional header length', () => '12.5', /byte count/],
    ['a header length inside the JSON', (_: Buffer, header: number) => header - 1, /JSON header of the binary body/],
  ])('%s is 400', async (_, length, message) => {
    const body = binaryBody(tensor({ binary_data_size: 24 }), float32Bytes(ROWS));
    const answer = await send(body, length(body.body, body.headerLength)).expect(400);
    expect(errorOf(answer.body)).toEqual({ error: expect.stringMatching(message) });
  });

  it.each([
    ['negative', -24, /non-negative integer/],
    ['fractional', 23.5, /non-negative integer/],
    ['a string', '24', /non-negative integer/],
    ['NaN as text', 'NaN', /non-negative integer/],
    ['not shape × datatype', 20, /does not match shape \[2,3\] of FP32 \(24 bytes\)/],
    ['beyond the bytes sent (truncated data)', 48, /beyond the 24 bytes left/],
  ])('binary_data_size %s is 400', async (_, size, message) => {
    const answer = await send(binaryBody(tensor({ binary_data_size: size }), float32Bytes(ROWS))).expect(400);
    expect(errorOf(answer.body)).toEqual({ error: expect.stringMatching(message) });
  });

  it('bytes left over after the binary inputs are 400', async () => {
    const body = binaryBody(tensor({ binary_data_size: 24 }), float32Bytes(ROWS), Buffer.from([0, 0, 0, 0]));
    const answer = await send(body).expect(400);
    expect(errorOf(answer.body)).toEqual({ error: expect.stringMatching(/4 bytes after the binary inputs/) });
  });

  it('non-finite FP32 values, data beside binary_data_size, and sizes in a JSON body are 400', async () => {
    const nan = await send(binaryBody(tensor({ binary_data_size: 24 }), float32Bytes([...ROWS.slice(0, 5), NaN])));
    expect(nan.status).toBe(400);
    expect(errorOf(nan.body)).toEqual({ error: expect.stringMatching(/element 5 is NaN/) });
    const both = await send(binaryBody(tensor({ binary_data_size: 24 }, { data: ROWS }), float32Bytes(ROWS)));
    expect(both.status).toBe(400);
    const inJson = await t
      .http()
      .post('/v2/models/sensor-anomaly/infer')
      .set(bearer(token))
      .send(tensor({ binary_data_size: 24 }))
      .expect(400);
    expect(inJson.body).toEqual({ error: expect.stringMatching(/needs a binary body/) });
  });

  it('BYTES tensors with bad length prefixes are 400 before the model is asked', async () => {
    const bytesTensor = (size: number) => ({
      inputs: [{ name: input, shape: [2], datatype: 'BYTES', parameters: { binary_data_size: size } }],
    });
    const good = stringBytes(['ab', 'cd']);
    const past = Buffer.from(good);
    past.writeUInt32LE(1_000_000, 6); // the second element claims far more than is there
    const cut = good.subarray(0, 3); // a length prefix cut short
    const extra = stringBytes(['a', 'b', 'c']); // more elements than the shape holds
    for (const [bytes, message] of [
      [past, /claims 1000000 bytes/],
      [cut, /truncated length prefix/],
      [extra, /more BYTES elements/],
      [stringBytes(['a']), /1 BYTES elements; shape \[2\] holds 2/],
    ] as const) {
      const answer = await send(binaryBody(bytesTensor(bytes.length), bytes)).expect(400);
      expect(errorOf(answer.body)).toEqual({ error: expect.stringMatching(message) });
    }
  });

  it('a binary body over the inference body limit is 413 in { error }', async () => {
    const rows = 65_536 / 12 + 1;
    const values = Array.from({ length: Math.ceil(rows) * 3 }, () => 1);
    const body = binaryBody(
      {
        inputs: [
          {
            name: input,
            shape: [values.length / 3, 3],
            datatype: 'FP32',
            parameters: { binary_data_size: values.length * 4 },
          },
        ],
      },
      float32Bytes(values),
    );
    // The server answers from Content-Length without reading the body and closes the connection.
    const answer = await answerBeforeBody(
      `${t.baseUrl}/v2/models/sensor-anomaly/infer`,
      {
        ...bearer(token),
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(body.headerLength),
      },
      body.body.length,
    );
    expect(answer.status).toBe(413);
    expect(errorOf(Buffer.from(answer.body))).toEqual({ error: expect.any(String) });
  });

  it('property: any mangled framing is 200 with the true answer or a 400, never a 5xx', async () => {
    const valid = binaryBody(tensor({ binary_data_size: 24 }), float32Bytes(ROWS));
    const mangle = fc.record({
      length: fc.oneof(
        fc.constant<string | number>(valid.headerLength),
        fc.integer({ min: 0, max: valid.body.length + 8 }),
        fc.constantFrom('', '-0', '1e2', ' 12', '0x10', '99999999999999999999'),
      ),
      size: fc.oneof(fc.constant<unknown>(24), fc.integer({ min: -100, max: 100 }), fc.double(), fc.string()),
      cut: fc.integer({ min: 0, max: 30 }),
      tail: fc.uint8Array({ maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(mangle, async ({ length, size, cut, tail }) => {
        const framed = binaryBody(tensor({ binary_data_size: size }), float32Bytes(ROWS));
        const bytes = Buffer.concat([framed.body.subarray(0, framed.body.length - cut), Buffer.from(tail)]);
        const answer = await send({ body: bytes, headerLength: framed.headerLength }, length);
        expect([200, 400]).toContain(answer.status);
        if (answer.status === 400) {
          expect(errorOf(answer.body)).toEqual({ error: expect.any(String) });
          return;
        }
        const header = Number(answer.headers['inference-header-content-length']);
        expect(float32Values(answer.body.subarray(header))).toEqual(reference);
      }),
      { numRuns: RUNS },
    );
    // Still serving.
    const after = await send(valid).expect(200);
    expect(float32Values(after.body.subarray(Number(after.headers['inference-header-content-length'])))).toEqual(
      reference,
    );
  }, 120_000);
});
