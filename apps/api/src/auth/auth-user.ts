export const ROLES = ['admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];

export const API_KEY_SCOPES = ['predict', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Who is calling, as the guards resolved it from the token (or API key). */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  /** Set when the caller used an API key: the key and what it may do (see api-key-scopes.ts). */
  apiKey?: { id: number; scopes: ApiKeyScope[] };
}

export const isAdmin = (user: AuthUser): boolean => user.role === 'admin';

/** A user as tokens are issued for and checked against: `tokenVersion` revokes older tokens. */
export interface TokenSubject extends AuthUser {
  tokenVersion: number;
}

export interface JwtClaims {
  sub: number;
  username: string;
  role: Role;
  /** The user's `tokenVersion` at issue; a token whose `ver` is older is revoked. */
  ver: number;
}
