import { describe, it } from '@jest/globals';
import { REDIS_AVAILABLE_FLAG, testRedisUrl } from '../setup/service-probes.js';
import { testEngine } from '../setup/test-database.js';

/**
 * Tests that need a service the developer may not run. The global setup probes Redis once and
 * announces a skip (or, with CI=true, fails the run); these only read its answer. Without the
 * global setup (the flag unset), Redis is assumed present, so a missing one fails loudly.
 */
export const TEST_REDIS_URL = testRedisUrl();

export const redisAvailable = (): boolean => process.env[REDIS_AVAILABLE_FLAG] !== '0';

/** `describe` when Redis answered at TEST_REDIS_URL, `describe.skip` otherwise. */
export const describeWithRedis: typeof describe.skip = redisAvailable() ? describe : describe.skip;

/** `it` when Redis answered at TEST_REDIS_URL, `it.skip` otherwise. */
export const itWithRedis: typeof it.skip = redisAvailable() ? it : it.skip;

/** `describe` on the MariaDB run (TEST_DB=mariadb), `describe.skip` on SQLite. */
export const describeOnMariadb: typeof describe.skip = testEngine() === 'mariadb' ? describe : describe.skip;
