import type { Role } from '@app/common';

/** What a bearer token carries. */
export interface JwtClaims {
  sub: number;
  username: string;
  role: Role;
  /** The user's `tokenVersion` at issue; a token whose `ver` is older is revoked. */
  ver: number;
}
