import type { ApiKeyScope } from '@app/http/auth-metadata/auth-user.js';
import type { DeclaredScope } from '@app/http/auth-metadata/key-scope.js';
import type { Role } from '@app/common';

/** The scopes an owner of this role may give a key: never more than the role itself allows. */
export function scopesAllowedFor(role: Role): ApiKeyScope[] {
  return role === 'admin' ? ['predict', 'read', 'admin'] : ['predict', 'read'];
}

/**
 * THE mapping from a route to the scope an API key needs for it, in one place:
 * 1. a route that requires the admin role needs `admin` (and RolesGuard still checks the owner's
 *    current role, so a key outlives no demotion);
 * 2. else the route's declared @KeyScope(): `predict` on inference, jobs, the stream and ingestion;
 * 3. else a read (GET/HEAD) needs `read`;
 * 4. anything else (placing orders, editing profiles, managing keys) is not open to API keys.
 * Undefined means "no scope allows it".
 */
export function requiredScope(
  method: string,
  roles: Role[] | undefined,
  declared: DeclaredScope | undefined,
): ApiKeyScope | undefined {
  if (roles?.includes('admin')) return 'admin';
  if (declared === 'session') return undefined;
  if (declared) return declared;
  return method === 'GET' || method === 'HEAD' ? 'read' : undefined;
}
