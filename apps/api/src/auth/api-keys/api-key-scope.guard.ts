import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '@app/common';
import { IS_PUBLIC, REQUIRED_ROLES } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import type { Role } from '@app/common';
import { KEY_SCOPE, type DeclaredScope } from '@app/http/auth-metadata/key-scope.js';
import { requiredScope } from './api-key-scopes.js';

/**
 * Global guard after RolesGuard: a caller that used an API key needs the scope the route maps to
 * (see requiredScope). Token callers are not affected. On a public route that reads an optional
 * token, a key without the scope just leaves the caller anonymous.
 */
@Injectable()
export class ApiKeyScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const key = request.user?.apiKey;
    if (!key) return true;
    const targets = [context.getHandler(), context.getClass()];
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const declared = this.reflector.getAllAndOverride<DeclaredScope | undefined>(KEY_SCOPE, targets);
    const needed = requiredScope(request.method, roles, declared);
    if (needed && key.scopes.includes(needed)) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      request.user = undefined;
      return true;
    }
    throw new ForbiddenError(
      'AUTH_API_KEY_SCOPE',
      needed ? `This API key lacks the '${needed}' scope` : 'API keys cannot call this route; use a bearer token',
    );
  }
}
