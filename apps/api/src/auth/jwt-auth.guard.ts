import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '@app/common';
import { IS_PUBLIC, OPTIONAL_AUTH } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { requestCredential } from './credential.js';
import { CredentialsService } from './credentials.service.js';
import { CredentialRefused } from './credential-refused.js';
import { AuthEventsService } from '../auth-events/auth-events.service.js';
import { originOf } from '../auth-events/request-origin.js';

/**
 * Global guard: every route needs a valid bearer token or API key (`Authorization: Bearer` or
 * `X-API-Key`) unless marked @Public(). An API key's scopes are checked later, by ApiKeyScopeGuard.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialsService,
    private readonly authEvents: AuthEventsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    // @OptionalAuth(): a valid token identifies the caller; anything else leaves it anonymous.
    const optional =
      isPublic && this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, [context.getHandler(), context.getClass()]);
    if (isPublic && !optional) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const token = requestCredential(request.headers);
    if (optional) {
      if (token) request.user = await this.authenticate(token, request).catch(anonymousIfUnauthorized);
      return true;
    }
    if (!token) throw new UnauthorizedError('AUTH_TOKEN_MISSING', 'Missing bearer token');
    request.user = await this.authenticate(token, request);
    return true;
  }

  /** A refused token or key is recorded (folded when it repeats), then refused as before. */
  private async authenticate(token: string, request: FastifyRequest): Promise<AuthUser> {
    try {
      return await this.credentials.authenticate(token, request);
    } catch (error) {
      if (error instanceof CredentialRefused) {
        const { reason, credential, subjectUserId, apiKeyId } = error.refusal;
        this.authEvents.credentialRejected({
          type: reason === 'expired' && credential === 'api_key' ? 'api_key_used_after_expiry' : 'token_rejected',
          origin: originOf(request),
          subjectUserId,
          apiKeyId,
          details: { reason, credential },
        });
      }
      throw error;
    }
  }
}

function anonymousIfUnauthorized(error: unknown): undefined {
  if (error instanceof UnauthorizedError) return undefined;
  throw error;
}
