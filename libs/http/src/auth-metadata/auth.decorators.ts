import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiAuth, ApiErrors, ApiOptionalAuth } from '../api-docs/api-docs.decorators.js';
import type { AuthUser } from './auth-user.js';

// Metadata only: feature modules (users included) mark their routes with these, and the guards in
// auth read them. Living below both, they let every module depend on auth's rules without
// importing auth; this folder imports nothing above it (users/role.ts and the Swagger helpers only).
import type { Role } from '@app/common';

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLES = 'auth:roles';
export const OPTIONAL_AUTH = 'auth:optional';

/** No token needed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * No token needed, but a valid bearer token is read, so a public route can answer an admin with
 * more (e.g. inactive products). A missing, invalid or expired token makes the caller anonymous
 * (`@CurrentUser()` is undefined) rather than a 401: the route stays public.
 */
export function OptionalAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), SetMetadata(OPTIONAL_AUTH, true), ApiOptionalAuth());
}

/** A token is needed; with roles, one of them. Documents the security schemes and 401/403. */
export function Auth(...roles: Role[]): MethodDecorator & ClassDecorator {
  return roles.length > 0 ? applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiAuth(), ApiErrors(403)) : ApiAuth();
}

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
  return request.user as AuthUser;
});
