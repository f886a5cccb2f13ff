import { describe, expect, it } from '@jest/globals';
import { CoalescedRun } from './coalesced-run.js';

/** A task whose runs finish only when the test says so. */
function controlledTask() {
  const finishers: Array<(error?: Error) => void> = [];
  let starts = 0;
  const task = () =>
    new Promise<void>((resolve, reject) => {
      starts += 1;
      finishers.push((error) => (error ? reject(error) : resolve()));
    });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return {
    task,
    starts: () => starts,
    finish: async (index: number, error?: Error) => (finishers[index](error), await tick(), await tick()),
    tick,
  };
}

describe('CoalescedRun', () => {
  it('runs at once when idle', async () => {
    const t = controlledTask();
    const run = new CoalescedRun(t.task);
    const done = run.request();
    await t.tick();
    expect(t.starts()).toBe(1);
    await t.finish(0);
    await expect(done).resolves.toBeUndefined();
  });

  it('folds a burst during a run into one waiting run that starts after it', async () => {
    const t = controlledTask();
    const run = new CoalescedRun(t.task);
    const first = run.request();
    await t.tick();
    const burst = Array.from({ length: 10 }, () => run.request());
    await t.tick();
    expect(t.starts()).toBe(1);
    expect(new Set(burst).size).toBe(1);
    await t.finish(0);
    await first;
    expect(t.starts()).toBe(2);
    await t.finish(1);
    await Promise.all(burst);
    expect(t.starts()).toBe(2);
    // Idle again: the next request starts a run of its own.
    void run.request();
    await t.tick();
    expect(t.starts()).toBe(3);
    await t.finish(2);
  });

  it('starts the waiting run after a failed one and reports each failure to its own callers', async () => {
    const t = controlledTask();
    const run = new CoalescedRun(t.task);
    const first = run.request();
    await t.tick();
    const second = run.request();
    await t.finish(0, new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    expect(t.starts()).toBe(2);
    await t.finish(1);
    await expect(second).resolves.toBeUndefined();
  });
});
