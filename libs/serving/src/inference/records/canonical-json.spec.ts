import { jest } from '@jest/globals';
import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';

// CommonJS (`module.exports = serialize`) typed as an ES `export default`: under Node's ES modules
// the default import is the function itself, which its types call `.default`.
const canonicalize = canonicalizeModule as unknown as typeof canonicalizeModule.default;

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
/** JSON values, with tensors in them: the shape a V2 body or a predict's rows take. */
const inputs = fc.oneof(
  fc.jsonValue(),
  fc.array(fc.array(finiteDouble, { maxLength: 8 }), { maxLength: 8 }),
  // Image rows: numbers nested three deep, and a tree with a stray string or object deep inside.
  fc.array(fc.array(fc.array(finiteDouble, { maxLength: 4 }), { maxLength: 3 }), { maxLength: 3 }),
  fc.array(
    fc.array(fc.oneof(finiteDouble, fc.string(), fc.dictionary(fc.string(), fc.jsonValue())), { maxLength: 4 }),
    { maxLength: 3 },
  ),
  fc.array(
    fc.record({
      name: fc.string(),
      shape: fc.array(fc.nat(), { maxLength: 4 }),
      datatype: fc.constantFrom('FP32', 'INT64', 'BYTES'),
      data: fc.oneof(fc.array(finiteDouble), fc.array(fc.string())),
      parameters: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
);

describe('canonicalJson', () => {
  it('writes exactly what the canonicalize package writes, for any JSON value or tensor request', () => {
    fc.assert(
      fc.property(inputs, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes NaN and Infinity as null, as JSON.stringify does, where the package would throw', () => {
    expect(canonicalJson([1, Number.NaN])).toBe('[1,null]');
    expect(canonicalJson({ b: [Number.POSITIVE_INFINITY, 'x'], a: Number.NEGATIVE_INFINITY })).toBe(
      '{"a":null,"b":[null,"x"]}',
    );
    expect(canonicalJson(Number.NaN)).toBe('null');
  });

  it('writes a hostile deep nest (numbers at every level, an object at the bottom) in linear work', () => {
    // Trying the one-call path at every level would write the numbers once per level below them.
    let nest: unknown = { z: 1, a: 2 };
    for (let level = 0; level < 200; level += 1) nest = [Array.from({ length: 50 }, (_, index) => index / 3), nest];
    const written = jest.spyOn(JSON, 'stringify');
    try {
      const text = canonicalJson(nest)!;
      expect(text).toBe(canonicalize(nest));
      const charsWritten = written.mock.results.reduce((sum, result) => sum + String(result.value ?? '').length, 0);
      expect(charsWritten).toBeLessThan(3 * text.length);
    } finally {
      written.mockRestore();
    }
  });

  it('takes the one-call path for a large tensor and still sorts the keys around it', () => {
    const data = Array.from({ length: 150_528 }, (_, index) => ((index * 7919) % 256) / 255);
    const request = [{ shape: [1, 224, 224, 3], name: 'input', datatype: 'FP32', data }];
    expect(canonicalJson(request)).toBe(
      `[{"data":${JSON.stringify(data)},"datatype":"FP32","name":"input","shape":[1,224,224,3]}]`,
    );
  });
});
