import { describe, expect, it } from '@jest/globals';
import type { FastPathMode } from './load-model.js';
import { ModelServer } from './model-server.js';
import { shippedModelDir } from './testing/paths.js';

const KEY = 'order-value@1.0.0';

/** Item counts, unit prices, distinct products and past orders, past the training ranges on both sides. */
function grid(): number[][] {
  const rows: number[][] = [];
  for (const itemCount of [0, 1, 2, 3, 5, 10, 20, 100])
    for (const avgUnitPrice of [0, 0.01, 1, 5, 10, 25, 100, 500, 2000])
      for (const distinctProducts of [1, 2, 5, 10])
        for (const customerOrderCount of [0, 1, 10, 40, 200])
          rows.push([itemCount, avgUnitPrice, Math.min(distinctProducts, Math.max(itemCount, 1)), customerOrderCount]);
  return rows;
}

async function predictAll(fastPath: FastPathMode, rows: number[][]): Promise<Float32Array> {
  const models = new ModelServer({ maxBatch: 1, maxDelayUs: 0, fastPath });
  await models.start('cpu');
  await models.load(KEY, shippedModelDir('order-value'));
  const output = await models.predict(KEY, Float32Array.from(rows.flat()), rows.length);
  models.unload(KEY);
  return output!.values;
}

describe('the shipped order-value model', () => {
  it.each(['auto', 'off'] as const)(
    'never predicts a negative total on a grid of inputs (fast path %s)',
    async (fastPath) => {
      const rows = grid();
      const totals = await predictAll(fastPath, rows);
      expect(totals).toHaveLength(rows.length);
      const negative = rows.filter((_, index) => !(totals[index] >= 0));
      expect(negative).toEqual([]);
    },
  );

  it('predicts one item at 10.00 near 10.00 (it said -5.35 before)', async () => {
    const [total] = await predictAll('auto', [[1, 10, 1, 0]]);
    expect(total).toBeGreaterThan(5);
    expect(total).toBeLessThan(20);
  }, 30_000);
});
