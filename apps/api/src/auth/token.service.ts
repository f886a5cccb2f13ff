import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '@app/common';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '../auth-metadata/auth-user.js';
import type { JwtClaims } from './jwt-claims.js';
import type { TokenSubject } from '../users/role.js';

/**
 * Issues and checks HS256 tokens. A token is honoured only while its user exists, is active and
 * still has the `tokenVersion` the token was issued under (a password change or a deactivation
 * bumps it), so a soft-deleted user is locked out at once, and a role change applies on the next
 * request. "At once" in this process; other processes within the user cache's 5 s.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  async issue(user: TokenSubject): Promise<{ accessToken: string; expiresIn: number }> {
    const claims: JwtClaims = { sub: user.id, username: user.username, role: user.role, ver: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims);
    const { exp, iat } = this.jwt.decode<{ exp: number; iat: number }>(accessToken);
    return { accessToken, expiresIn: exp - iat };
  }

  async authenticate(token: string): Promise<AuthUser> {
    let claims: JwtClaims;
    try {
      // Only HS256 is accepted: `alg: none` and algorithm swaps fail verification.
      claims = await this.jwt.verifyAsync<JwtClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedError('Invalid or expired token');
    }
    const user = typeof claims.sub === 'number' ? await this.users.findActiveAuthUser(claims.sub) : undefined;
    // A token from before `ver` existed counts as version 0.
    if (!user || (claims.ver ?? 0) !== user.tokenVersion) throw new UnauthorizedError('Invalid or expired token');
    return { id: user.id, username: user.username, role: user.role };
  }
}
