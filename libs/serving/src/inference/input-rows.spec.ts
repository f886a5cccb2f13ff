import { describe, expect, it } from '@jest/globals';
import { ValidationFailedError } from '@app/common';
import { packRows } from './input-rows.js';

const flat = { inputShape: [3], featureNames: ['temperature', 'humidity', 'pressure'] };
const image = { inputShape: [2, 2, 1], featureNames: null };

function refusal(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.details ?? [];
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('packRows', () => {
  it('packs one row, a batch, and object rows into the same values', () => {
    expect(Array.from(packRows([1, 2, 3], flat, 10).data)).toEqual([1, 2, 3]);
    expect(
      packRows(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        flat,
        10,
      ),
    ).toEqual({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), rows: 2 });
    expect(packRows([{ pressure: 3, temperature: 1, humidity: 2 }], flat, 10).data).toEqual(
      Float32Array.from([1, 2, 3]),
    );
    expect(packRows({ temperature: 1, humidity: 2, pressure: 3 }, flat, 10).rows).toBe(1);
  });

  it('accepts nested or flat rows for multi-dimensional inputs', () => {
    const nested = [
      [[1], [2]],
      [[3], [4]],
    ];
    expect(packRows(nested, image, 10)).toEqual({ data: Float32Array.from([1, 2, 3, 4]), rows: 1 });
    expect(packRows([1, 2, 3, 4], image, 10).rows).toBe(1);
    expect(packRows([nested, nested], image, 10).rows).toBe(2);
    expect(
      packRows(
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ],
        image,
        10,
      ).rows,
    ).toBe(2);
    expect(refusal(() => packRows([[[1], [2]], [[3]]], image, 10))[0].message).toMatch(
      /dimension 1 should have 2 entries/,
    );
  });

  it('names the row and the reason', () => {
    expect(
      refusal(() =>
        packRows(
          [
            [1, 2, 3],
            [1, 2],
          ],
          flat,
          10,
        ),
      ),
    ).toEqual([{ field: 'inputs.1', message: 'row 1: expected 3 values, got 2' }]);
    expect(refusal(() => packRows([[1, Infinity, 3]], flat, 10))).toEqual([
      { field: 'inputs.0.1', message: 'row 0: value 1 is Infinity' },
    ]);
    expect(refusal(() => packRows([[1, Number.NaN, 3]], flat, 10))[0].message).toBe('row 0: value 1 is NaN');
    expect(refusal(() => packRows([{ temperature: 1, humidity: 2 }], flat, 10))).toEqual([
      { field: 'inputs.0.pressure', message: "row 0: missing feature 'pressure'" },
    ]);
    expect(
      refusal(() => packRows([{ temperature: 1 }], { inputShape: [1], featureNames: null }, 10))[0].message,
    ).toMatch(/no featureNames/);
    expect(
      refusal(() =>
        packRows(
          [
            [1, 2, 3],
            [1, 2, 3],
          ],
          flat,
          1,
        ),
      )[0].message,
    ).toBe('inputs may hold at most 1 rows, got 2');
    expect(refusal(() => packRows([], flat, 10))[0].message).toMatch(/at least one row/);
    expect(refusal(() => packRows('1,2,3', flat, 10))[0].field).toBe('inputs');
  });

  it('reports at most 20 bad rows', () => {
    expect(
      refusal(() =>
        packRows(
          Array.from({ length: 50 }, () => [1]),
          flat,
          100,
        ),
      ),
    ).toHaveLength(20);
  });
});
