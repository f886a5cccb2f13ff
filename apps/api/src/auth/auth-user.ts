export const ROLES = ['admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the guards resolved it from the token. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

export const isAdmin = (user: AuthUser): boolean => user.role === 'admin';

export interface JwtClaims {
  sub: number;
  username: string;
  role: Role;
}
