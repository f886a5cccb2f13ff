import type { Role } from '@app/common';

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
