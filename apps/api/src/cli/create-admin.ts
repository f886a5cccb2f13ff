import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConflictError } from '@app/common';
import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { MetricsModule } from '@app/serving/metrics/metrics.module.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import { promptNewPassword } from './prompt-password.js';
import { SCHEMA } from '../database/schema.js';

/** Only what creating a user needs: no HTTP, no inference runtime. Built after the environment is read (see main). */
function createAdminModule() {
  // MetricsModule: users record security events, whose counters live in the global MetricsService.
  @Module({ imports: [AppConfigModule.register(), DatabaseModule.forRoot(SCHEMA), MetricsModule, UsersModule] })
  class CreateAdminModule {}
  return CreateAdminModule;
}

const USAGE = [
  'usage: npm run admin:create -- --email admin@example.com [--username admin] [--password Secret123]',
  'The password comes from --password, else ADMIN_PASSWORD in the environment, else a prompt when stdin is a terminal.',
  'ADMIN_EMAIL and ADMIN_USERNAME stand in for --email and --username.',
].join('\n');

/**
 * The admin's fields from the flags, then the environment, then (password only) a prompt. An
 * argument is visible to every local user (`ps`) and kept in shell history; the environment and
 * the prompt are not.
 */
async function adminFields(): Promise<{ email: string; username: string; password: string }> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, password: { type: 'string' }, username: { type: 'string' } },
  });
  const email = values.email ?? process.env.ADMIN_EMAIL;
  if (!email) throw new Error(USAGE);
  let password = values.password ?? process.env.ADMIN_PASSWORD;
  if (!password) {
    if (!process.stdin.isTTY)
      throw new Error(
        `No password: pass --password, set ADMIN_PASSWORD, or run on a terminal to be prompted.\n${USAGE}`,
      );
    password = await promptNewPassword();
  }
  const username = values.username ?? process.env.ADMIN_USERNAME ?? email.split('@')[0].replace(/[^A-Za-z0-9_]/g, '_');
  return { email, username, password };
}

async function main(): Promise<void> {
  const fields = await adminFields();
  // Read above; the boot-time bootstrap admin (which wants both or neither) has no part in the CLI.
  for (const name of ['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'ADMIN_USERNAME']) delete process.env[name];
  const context = await NestFactory.createApplicationContext(createAdminModule(), { logger: ['error', 'warn'] });
  try {
    const admin = await context.get(UsersService).createAdmin(fields);
    console.log(`Created admin '${admin.username}' <${admin.email}> (id ${admin.id})`);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConflictError ? `Not created: ${error.message}` : error instanceof Error ? error.message : error,
  );
  process.exit(1);
});
