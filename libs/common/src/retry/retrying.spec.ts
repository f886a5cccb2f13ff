import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { retrying } from './retrying.js';

/** An Error made in another realm: `instanceof Error` is false here, as for Node's socket errors under Jest. */
const foreignError = (code: string) =>
  runInNewContext(`Object.assign(new Error('connect ${code}'), { code: '${code}' })`) as { code: string };

describe('retrying', () => {
  it('retries a failure that is not instanceof Error here, and hands back exactly what was thrown', async () => {
    const thrown = foreignError('ECONNREFUSED');
    expect(thrown instanceof Error).toBe(false);
    let calls = 0;
    const result = await retrying(
      async () => {
        calls += 1;
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: a thrown Error from another realm
        if (calls < 3) throw thrown;
        return 'done';
      },
      { retries: 4, minTimeout: 1, shouldRetry: (error) => (error as { code?: string }).code === 'ECONNREFUSED' },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('rethrows the original failure when it is not worth retrying, after one attempt', async () => {
    const thrown = foreignError('ER_PARSE_ERROR');
    let calls = 0;
    const seen: unknown[] = [];
    await expect(
      retrying(
        async () => {
          calls += 1;
          // The point: a thrown Error from another realm.
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw thrown;
        },
        { retries: 4, minTimeout: 1, shouldRetry: () => false, onFailedAttempt: (error) => seen.push(error) },
      ),
    ).rejects.toBe(thrown);
    expect(calls).toBe(1);
    expect(seen).toEqual([thrown]);
  });

  it('gives up after the retries with the last failure', async () => {
    const thrown = new Error('still down');
    let calls = 0;
    await expect(
      retrying(
        async () => {
          calls += 1;
          throw thrown;
        },
        { retries: 2, minTimeout: 1, shouldRetry: () => true },
      ),
    ).rejects.toBe(thrown);
    expect(calls).toBe(3);
  });
});
