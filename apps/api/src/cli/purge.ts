import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfigModule, validateEnvironment } from '@app/config';
import { DatabaseModule } from '@app/database';
import { RetentionModule } from '../retention/retention.module.js';
import { RetentionService } from '../retention/retention.service.js';
import { SCHEMA } from '../database/schema.js';

/** Only what purging needs: the database, Redis for the lock when configured, no HTTP, no models runtime. */
function createPurgeModule() {
  const env = validateEnvironment(process.env, { quiet: true });
  @Module({
    imports: [
      AppConfigModule.register(),
      DatabaseModule.forRoot(SCHEMA),
      RetentionModule.register({ schedule: false, redisUrl: env.REDIS_URL }),
    ],
  })
  class PurgeModule {}
  return PurgeModule;
}

/**
 * `npm run purge`: the scheduled retention purge, once, now. Prints what it deleted as JSON; exits
 * 0 also when it skipped (retention off, or another process is purging: the lock is taken).
 */
async function main(): Promise<void> {
  const context = await NestFactory.createApplicationContext(createPurgeModule(), { logger: ['error', 'warn'] });
  try {
    const outcome = await context.get(RetentionService).purge();
    console.log(JSON.stringify(outcome.ran ? { deleted: outcome.report } : { skipped: outcome.reason }));
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
