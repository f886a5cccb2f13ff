/**
 * Reverts every applied migration, newest first, in one process: what `npm run migration:revert`
 * does once per call, without paying the CLI's start-up (4-6 s) for each of the 20-odd migrations.
 * CI's round trip (scripts/migration-roundtrip.sh) uses it between two `migration:run`s, so every
 * `down()` still runs against the schema its `up()` built. DATABASE_URL picks the database, as for the CLI.
 *   npx tsx scripts/migrations-revert-all.ts
 */
import dataSource from '../ormconfig.js';

await dataSource.initialize();
try {
  let reverted = 0;
  while ((await dataSource.query('SELECT COUNT(*) AS n FROM migrations').then(countOf)) > 0) {
    await dataSource.undoLastMigration({ transaction: 'each' });
    reverted += 1;
  }
  console.log(`reverted ${reverted} migrations`);
} finally {
  await dataSource.destroy();
}

function countOf(rows: { n: number | string }[]): number {
  return Number(rows[0].n);
}
