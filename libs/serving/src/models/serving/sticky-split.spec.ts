import { describe, expect, it } from '@jest/globals';
import { callerKey, stickyVersion } from './sticky-split.js';

describe('stickyVersion', () => {
  const policy = [
    { version: 'stable', weight: 90 },
    { version: 'canary', weight: 10 },
  ];

  it('gives a caller the same version for one revision, and follows the weights over many callers', () => {
    const picks = Array.from({ length: 20_000 }, (_, index) => stickyVersion(policy, 1, `user:${index}`));
    expect(picks.filter((version) => version === 'canary').length / picks.length).toBeCloseTo(0.1, 1);
    for (let index = 0; index < 100; index += 1) expect(stickyVersion(policy, 1, `user:${index}`)).toBe(picks[index]);
  });

  it('reshuffles callers on a new revision, and a 100 weight takes everyone', () => {
    const before = Array.from({ length: 1000 }, (_, index) => stickyVersion(policy, 1, `user:${index}`));
    const after = Array.from({ length: 1000 }, (_, index) => stickyVersion(policy, 2, `user:${index}`));
    expect(after).not.toEqual(before);
    expect(
      new Set(
        Array.from({ length: 100 }, (_, index) => stickyVersion([{ version: 'only', weight: 100 }], 3, `ip:${index}`)),
      ),
    ).toEqual(new Set(['only']));
  });
});

describe('callerKey', () => {
  it('prefers the API key, then the user, then the address', () => {
    expect(callerKey({ userId: 4, apiKeyId: 9, address: '10.0.0.1' })).toBe('key:9');
    expect(callerKey({ userId: 4, address: '10.0.0.1' })).toBe('user:4');
    expect(callerKey({ userId: null, address: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });
});
