import { describe, it } from '@jest/globals';
import { NEEDS_REDIS_TAG, REDIS_AVAILABLE_FLAG, testRedisUrl } from '../setup/service-probes.js';
import { testEngine } from '../setup/test-database.js';

/**
 * Tests that need a service the developer may not run. The global setup probes Redis once and
 * announces a skip (or, with CI=true, fails the run); these only read its answer. Without the
 * global setup (the flag unset), Redis is assumed present, so a missing one fails loudly.
 */
export const TEST_REDIS_URL = testRedisUrl();

export const redisAvailable = (): boolean => process.env[REDIS_AVAILABLE_FLAG] !== '0';

type Block = (name: string, fn: () => void) => void;
type Test = (name: string, fn: Parameters<typeof it>[1], timeout?: number) => void;

/** `describe` when Redis answered at TEST_REDIS_URL, else `describe.skip` with the name tagged "[needs Redis]". */
export const describeWithRedis: Block = redisAvailable()
  ? describe
  : (name, fn) => describe.skip(`${name} ${NEEDS_REDIS_TAG}`, fn);

/** `it` when Redis answered at TEST_REDIS_URL, else `it.skip` with the name tagged "[needs Redis]". */
export const itWithRedis: Test = redisAvailable()
  ? it
  : (name, fn, timeout) => it.skip(`${name} ${NEEDS_REDIS_TAG}`, fn, timeout);

/** `describe` on the MariaDB run (TEST_DB=mariadb), `describe.skip` on SQLite. */
export const describeOnMariadb: typeof describe.skip = testEngine() === 'mariadb' ? describe : describe.skip;

/** `it` on the MariaDB run (TEST_DB=mariadb), `it.skip` on SQLite. */
export const itOnMariadb: typeof it.skip = testEngine() === 'mariadb' ? it : it.skip;
