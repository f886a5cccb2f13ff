import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '@app/common';
import { IS_PUBLIC, OPTIONAL_AUTH } from './auth.decorators.js';
import type { AuthUser } from './auth-user.js';
import { TokenService } from './token.service.js';

/** Global guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    // @OptionalAuth(): a valid token identifies the caller; anything else leaves it anonymous.
    const optional = isPublic && this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, [context.getHandler(), context.getClass()]);
    if (isPublic && !optional) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const token = bearerToken(request.headers.authorization);
    if (optional) {
      if (token) request.user = await this.tokens.authenticate(token).catch(anonymousIfUnauthorized);
      return true;
    }
    if (!token) throw new UnauthorizedError('Missing bearer token');
    request.user = await this.tokens.authenticate(token);
    return true;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const [scheme, token] = (header ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

function anonymousIfUnauthorized(error: unknown): undefined {
  if (error instanceof UnauthorizedError) return undefined;
  throw error;
}
