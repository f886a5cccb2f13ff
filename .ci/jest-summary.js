// Prints one CI leg's Jest JSON report as a plain line ("sqlite: N passed, N failed, N skipped") and
// exits non-zero when the leg ran no test at all (every one skipped, or none found): a leg that
// tests nothing must not pass.
// With --without-redis (the leg run with Redis unreachable), it also prints how many tests were
// skipped for lack of Redis (those describeWithRedis / itWithRedis tag in their names), and fails
// when that is zero: then Redis answered after all, and the leg did not prove that the suite passes
// with Node alone.
// Needs the build (the tag is read from dist/, where the test helpers define it).
// Usage: node .ci/jest-summary.js <report.json> <label> [--without-redis]
import { readFileSync } from 'node:fs';

const [reportFile, label, mode] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const ran = report.numPassedTests + report.numFailedTests;
console.log(
  `${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
);
if (ran === 0) {
  console.log(`${label}: no test ran`);
  process.exitCode = 1;
}

if (mode === '--without-redis') {
  const { NEEDS_REDIS_TAG } = await import('../dist/test/setup/service-probes.js');
  const skippedForRedis = report.testResults
    .flatMap((file) => file.assertionResults)
    .filter((test) => test.status === 'pending' && test.fullName.includes(NEEDS_REDIS_TAG)).length;
  console.log(`${label}: ${skippedForRedis} skipped for lack of Redis (tagged "${NEEDS_REDIS_TAG}")`);
  if (skippedForRedis === 0) {
    console.log(`${label}: no test was skipped for lack of Redis, so this leg did not run without Redis`);
    process.exitCode = 1;
  }
}
