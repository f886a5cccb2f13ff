import {
  inCi,
  NEEDS_REDIS_TAG,
  probeMariadb,
  probeRedis,
  REDIS_AVAILABLE_FLAG,
  testMariadbUrl,
  testRedisUrl,
} from './service-probes.js';
import { testEngine } from './test-database.js';

/**
 * Probes the services the suite may use, once per run. A missing selected database engine always
 * fails fast. A missing Redis skips the tests that need it, announced in one line, except with
 * CI=true, where it fails the run: CI never skips silently. The answer reaches the test files
 * (Jest's workers start after this and inherit the environment) as TEST_REDIS_AVAILABLE.
 */
export default async function globalSetup(): Promise<void> {
  if (testEngine() === 'mariadb') {
    const reason = await probeMariadb(testMariadbUrl());
    if (reason)
      throw new Error(`TEST_DB=mariadb but no MariaDB answers at ${new URL(testMariadbUrl()).host}: ${reason}`);
  } else {
    announce(
      'MariaDB-only tests (database outage, read replicas) run with TEST_DB=mariadb ' +
        '(MariaDB at TEST_MARIADB_URL, default 127.0.0.1:3306)',
    );
  }

  // An explicit "0" (set by hand) skips the Redis tests without probing.
  if (process.env[REDIS_AVAILABLE_FLAG] === '0' && !inCi())
    return announce(`Redis tests (${REDIS_TESTS}): ${REDIS_AVAILABLE_FLAG}=0`);
  const reason = await probeRedis(testRedisUrl());
  if (!reason) {
    process.env[REDIS_AVAILABLE_FLAG] = '1';
    return;
  }
  const missing = `Redis not reachable at ${testRedisUrl()} (${reason})`;
  if (inCi())
    throw new Error(
      `${missing}; CI=true, so the Redis tests fail instead of skipping: start redis-server or set TEST_REDIS_URL`,
    );
  process.env[REDIS_AVAILABLE_FLAG] = '0';
  announce(
    `${missing}: the Redis tests (${REDIS_TESTS}) are skipped; start redis-server or set TEST_REDIS_URL to run them`,
  );
}

// Which tests: those declared with describeWithRedis / itWithRedis (test/helpers/services.ts), each named
// in the report with the tag, so no list here can go stale.
const REDIS_TESTS = `each tagged "${NEEDS_REDIS_TAG}" in the report`;

function announce(line: string): void {
  process.stdout.write(`\nskipped: ${line}\n`);
}
