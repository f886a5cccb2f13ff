// Roles belong to users (a column of the users table). This file imports nothing, so the auth
// module and the metadata decorators below it can depend on it without an arrow pointing up.

export const ROLES = ['admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];

/** Whoever acts on a resource: what the ownership and admin rules look at. */
export interface Actor {
  id: number;
  role: Role;
}

export const isAdmin = (actor: Pick<Actor, 'role'>): boolean => actor.role === 'admin';

/** A user as tokens are issued for and checked against: `tokenVersion` revokes older tokens. */
export interface TokenSubject extends Actor {
  username: string;
  tokenVersion: number;
}
