import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConflictError } from '@app/common';
import { AppConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';

/** Only what creating a user needs: no HTTP, no inference runtime. */
@Module({ imports: [AppConfigModule.register(), DatabaseModule, UsersModule] })
class CreateAdminModule {}

const USAGE = 'usage: npm run admin:create -- --email admin@example.com --password Secret123 [--username admin]';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' }, username: { type: 'string' } } });
  if (!values.email || !values.password) throw new Error(USAGE);
  const context = await NestFactory.createApplicationContext(CreateAdminModule, { logger: ['error', 'warn'] });
  try {
    const admin = await context.get(UsersService).createAdmin({ email: values.email, password: values.password, username: values.username ?? values.email.split('@')[0].replace(/[^A-Za-z0-9_]/g, '_') });
    console.log(`Created admin '${admin.username}' <${admin.email}> (id ${admin.id})`);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConflictError ? `Not created: ${error.message}` : error instanceof Error ? error.message : error);
  process.exit(1);
});
