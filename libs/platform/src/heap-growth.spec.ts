import { describe, expect, it } from '@jest/globals';
import { validateEnvironment } from '@app/config';
import { applyHeapGrowingPercent, DEFAULT_HEAP_GROWING_PERCENT } from './heap-growth.js';

describe('applyHeapGrowingPercent', () => {
  it("applies the configuration's default when unset", () => {
    expect(DEFAULT_HEAP_GROWING_PERCENT).toBe(validateEnvironment({}, { quiet: true }).HEAP_GROWING_PERCENT);
    expect(() => applyHeapGrowingPercent(undefined)).not.toThrow();
  });

  it("leaves a value the configuration refuses to the configuration's check, which stops the boot", () => {
    for (const bad of ['-1', '1001', '2.5', 'some', '20 --expose-gc']) {
      expect(() => applyHeapGrowingPercent(bad)).not.toThrow();
      expect(() => validateEnvironment({ HEAP_GROWING_PERCENT: bad })).toThrow(/HEAP_GROWING_PERCENT/);
    }
  });
});
