import * as fc from 'fast-check';

/**
 * Generators aimed at what the input paths do: float32 conversion, date parsing, integer
 * parsing, recursive validation. Plain random JSON rarely reaches any of them (a 4 000-request
 * fuzz of every route found none of the crashes), so each mixes targeted values with random ones.
 */

/** Numbers that are valid JSON doubles but odd for float32 or the database. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(1e39, -1e39, 3.4028235e38, -3.4028236e38, 1e308, -0, 5e-324, 1e-45, 2 ** 53 + 2, -(2 ** 63), 2 ** 31),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.double({ min: -100, max: 1100, noNaN: true }),
);

/** Number spellings as raw JSON text (some are not JSON at all: those must be 400). */
export const oddNumberText: fc.Arbitrary<string> = fc.oneof(
  oddNumber.map((value) => (Object.is(value, -0) ? '-0' : String(value))),
  fc.constantFrom(
    '1e39',
    '1E400',
    '-1e400',
    '1e-400',
    '123456789012345678901234567890',
    '0x10',
    '1_000',
    '.5',
    '+1',
    '01',
    'NaN',
    'Infinity',
    '1e',
    '-',
  ),
);

/** Values where a number is expected: numbers, numeric strings, wrong types. */
export const numberish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: oddNumber },
  { weight: 1, arbitrary: fc.constantFrom('1e5', '0x1F', '12', ' 7', '', 'NaN', 'Infinity', '-0', true, false, null) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
    ),
  },
);

/** Date strings in every ISO 8601 form and beyond. */
export const dateForm: fc.Arbitrary<string> = fc.oneof(
  fc
    .date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc.constantFrom(
    '2026-W05-3',
    '2026W053',
    '2026-W05',
    '2026-032',
    '2026032',
    '20260131',
    '2026-02-30',
    '2026-02-29',
    '2024-02-29',
    '2026-13-01',
    '2026-00-10',
    '+275760-09-13T00:00:00Z',
    '-000001-01-01',
    '0000-01-01',
    '9999-12-31T23:59:59.999-01:00',
    '2026-01-01T00:00:00.123456789Z',
    '2026-01-01 10:00',
    '2026-01-01T10:00',
    '2026-01-01T10',
    '2026-01-01T25:00:00Z',
    '2026-01-01T10:00:00+14:00',
    '2026-01-01T10:00:00+99:99',
    '2026-01-01T10:00:60Z',
    '2026-01-01T10:00:00,5Z',
    'now',
    'yesterday',
    '1767225600000',
    '',
    'Thu, 01 Jan 2026 00:00:00 GMT',
  ),
  fc.string({ maxLength: 30 }),
);

/** Query values: integers in every spelling, dates, booleans, lists, garbage. */
export const queryValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '-1',
    '0',
    '1',
    '2',
    '100',
    '101',
    '1e3',
    '0x10',
    '1.5',
    '99999999999999999999',
    '9007199254740993',
    '10000000',
    '10000001',
    'true',
    'false',
    'null',
    '[]',
    '%00',
    'price',
    '-price',
    '-createdAt',
    'name;drop',
  ),
  dateForm,
  fc.string({ maxLength: 20 }),
  fc.array(fc.constantFrom('1', 'a', '2026-01-01'), { minLength: 2, maxLength: 3 }),
);

const deepText = (levels: number, open: string, close: string, leaf: string) =>
  open.repeat(levels) + leaf + close.repeat(levels);

/** Nesting from shallow to far past any recursion limit, as arrays or objects. */
export const deepJson: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 200 }).map((levels) => deepText(levels, '[', ']', '1')),
  fc.integer({ min: 1000, max: 50_000 }).map((levels) => deepText(levels, '[', ']', '')),
  fc.integer({ min: 1000, max: 50_000 }).map((levels) => deepText(levels, '{"a":', '}', '1')),
);

/** A predict/job body: valid-looking rows with odd values, wrong shapes, deep nesting, raw odd JSON. */
export const predictBodyText: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.array(numberish, { minLength: 0, maxLength: 4 }), { minLength: 0, maxLength: 4 })
    .map((inputs) => JSON.stringify({ inputs })),
  fc
    .record({ temperature: numberish, humidity: numberish, pressure: numberish }, { requiredKeys: [] })
    .map((row) => JSON.stringify({ inputs: [row] })),
  fc.tuple(oddNumberText, oddNumberText, oddNumberText).map(([a, b, c]) => `{"inputs":[[${a},${b},${c}]]}`),
  deepJson.map((inputs) => `{"inputs":${inputs}}`),
  fc
    .record(
      { inputs: fc.anything({ maxDepth: 3 }), version: fc.oneof(fc.string(), fc.anything({ maxDepth: 1 })) },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  fc.string({ maxLength: 40 }),
);

/** A sensor-readings body: rows with odd timestamps and numbers, deep rows, wrong types. */
export const ingestBodyText: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(
      fc.record(
        {
          timestamp: fc.oneof(dateForm, numberish),
          sensorId: fc.oneof(fc.string({ maxLength: 70 }), numberish),
          temperature: numberish,
          humidity: numberish,
          pressure: numberish,
        },
        { requiredKeys: [] },
      ),
      { minLength: 0, maxLength: 5 },
    )
    .map((rows) => JSON.stringify(rows)),
  fc
    .tuple(dateForm, oddNumberText, oddNumberText)
    .map(
      ([timestamp, t, h]) =>
        `[{"timestamp":${JSON.stringify(timestamp)},"sensorId":"s","temperature":${t},"humidity":${h}}]`,
    ),
  deepJson.map((row) => `[${row}]`),
  fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
);
