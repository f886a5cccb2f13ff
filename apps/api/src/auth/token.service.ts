import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '@app/common';
import { UsersService } from '../users/users.service.js';
import type { AuthUser, JwtClaims } from './auth-user.js';

/**
 * Issues and checks HS256 tokens. A token is honoured only while its user exists and is active,
 * so a soft-deleted user is locked out at once, and a role change applies on the next request.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  async issue(user: AuthUser): Promise<{ accessToken: string; expiresIn: number }> {
    const claims: JwtClaims = { sub: user.id, username: user.username, role: user.role };
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
    if (!user) throw new UnauthorizedError('Invalid or expired token');
    return user;
  }
}
