import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { StringValue } from 'ms';
import { AppConfig } from '@app/config';
import { UsersModule } from '../users/users.module.js';
import { AuthEventsModule } from '../auth-events/auth-events.module.js';
import { ApiKey } from './api-keys/api-key.entity.js';
import { ApiKeyScopeGuard } from './api-keys/api-key-scope.guard.js';
import { ApiKeysController } from './api-keys/api-keys.controller.js';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { RolesGuard } from './roles.guard.js';
import { CredentialsService } from './credentials.service.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [
    UsersModule,
    AuthEventsModule,
    TypeOrmModule.forFeature([ApiKey]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        // A KeyObject made once: given a string, jsonwebtoken re-derives it (first trying to parse it
        // as a public key, and throwing) on every call, which was most of an authenticated request's CPU.
        const key = createSecretKey(Buffer.from(config.jwt.secret));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { algorithm: 'HS256', expiresIn: parseExpiry(config.jwt.expiresIn) },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
  ],
  controllers: [AuthController, ApiKeysController],
  providers: [
    AuthService,
    TokenService,
    ApiKeysRepository,
    ApiKeysService,
    CredentialsService,
    // Order matters: authenticate first, then check roles, then an API key's scopes.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: ApiKeyScopeGuard },
  ],
  exports: [TokenService, CredentialsService],
})
export class AuthModule {}

/** A bare number is seconds; otherwise a duration like 15m or 1h. */
function parseExpiry(value: string): number | StringValue {
  return /^\d+$/.test(value) ? Number(value) : (value.replace(/\s+/g, '') as StringValue);
}
