import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FailedSignIns } from './failed-sign-ins.js';
import { RepeatFolder, type Folded } from './repeat-folder.js';

describe('RepeatFolder', () => {
  it('admits the first of each key per window and summarises the rest: firsts plus repeats are every event', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 500 }),
        fc.integer({ min: 1, max: 8 }),
        (keys, maxKeys) => {
          const summaries: Folded<number>[] = [];
          const folder = new RepeatFolder<number>(60_000, maxKeys, (folded) => summaries.push(folded));
          const admitted = keys.filter((key) => folder.admit(String(key), key, 'overflow')).length;
          folder.closeWindow();
          const repeats = summaries.reduce((sum, folded) => sum + folded.repeats, 0);
          expect(admitted + repeats).toBe(keys.length);
          // At most one stored first per key, and never more keys than the bound plus the overflow entry.
          expect(admitted).toBeLessThanOrEqual(Math.min(new Set(keys).size, maxKeys + 1));
          expect(summaries.every((folded) => folded.repeats > 0)).toBe(true);
        },
      ),
    );
  });

  it('starts afresh after a window closes', () => {
    const folder = new RepeatFolder<string>(60_000, 10, () => undefined);
    expect(folder.admit('a', 'first', 'overflow')).toBe(true);
    expect(folder.admit('a', 'again', 'overflow')).toBe(false);
    folder.closeWindow();
    expect(folder.admit('a', 'next window', 'overflow')).toBe(true);
    folder.closeWindow();
  });
});

describe('FailedSignIns', () => {
  it('answers true once per account and window, when the count first passes the threshold', () => {
    const failures = new FailedSignIns(3, 1000);
    const crossings = Array.from({ length: 10 }, (_, index) => failures.failed('ann', 100 + index));
    expect(crossings.map(Number)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(failures.underAttack(200)).toBe(1);
    expect(failures.failed('bob', 200)).toBe(false);
    // A new window counts from zero again, and may warn again.
    expect(failures.underAttack(1200)).toBe(0);
    const later = Array.from({ length: 4 }, (_, index) => failures.failed('ann', 1200 + index));
    expect(later).toEqual([false, false, false, true]);
  });
});
