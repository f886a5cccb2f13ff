import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import type { JwtClaims } from './jwt-claims.js';
import type { TokenSubject } from '@app/common';
import { SignedTokenCache, verifiedOnce } from './verified-tokens.js';
import { CredentialRefused, type Refusal } from './credential-refused.js';

const refused = (refusal: Omit<Refusal, 'credential'>) =>
  new CredentialRefused('AUTH_TOKEN_INVALID', 'Invalid or expired token', { ...refusal, credential: 'jwt' });

/**
 * Issues and checks HS256 tokens. A token is honoured only while its user exists, is active and
 * still has the `tokenVersion` the token was issued under (a password change or a deactivation
 * bumps it), so a soft-deleted user is locked out at once, and a role change applies on the next
 * request. "At once" in this process; other processes within the user cache's 5 s.
 */
@Injectable()
export class TokenService {
  private readonly signed = new SignedTokenCache();

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

  /**
   * The user of a token, checked in full: signature and expiry (once per `request`, and once per
   * token text while it lasts, see verified-tokens.ts), then the user, active, with the token's version.
   */
  async authenticate(token: string, request?: object): Promise<AuthUser> {
    const claims = this.verified(token, request);
    if (!claims) throw refused(this.whyUnverified(token));
    const sub = typeof claims.sub === 'number' ? claims.sub : undefined;
    const user = sub === undefined ? undefined : await this.users.findActiveAuthUser(sub);
    // A token from before `ver` existed counts as version 0.
    if (!user || (claims.ver ?? 0) !== user.tokenVersion) throw refused({ reason: 'revoked', subjectUserId: sub });
    return { id: user.id, username: user.username, role: user.role };
  }

  /** The user id of a token whose signature and expiry check out (the rate limiter's key), else undefined. */
  subjectOf(token: string, request?: object): number | undefined {
    const sub = this.verified(token, request)?.sub;
    return typeof sub === 'number' ? sub : undefined;
  }

  /**
   * Why a token failed (for the audit trail; off the success path): a good signature past its
   * expiry, or anything else (a bad signature, another algorithm, not a JWT at all).
   */
  private whyUnverified(token: string): Omit<Refusal, 'credential'> {
    try {
      const { sub } = this.jwt.verify<JwtClaims>(token, { algorithms: ['HS256'], ignoreExpiration: true });
      return { reason: 'expired', subjectUserId: typeof sub === 'number' ? sub : undefined };
    } catch {
      return { reason: 'bad_signature' };
    }
  }

  private verified(token: string, request: object | undefined): JwtClaims | undefined {
    return verifiedOnce(request, token, (candidate) =>
      this.signed.claimsOf(candidate, (unknown) => {
        try {
          // Only HS256 is accepted: `alg: none` and algorithm swaps fail verification.
          return this.jwt.verify<JwtClaims & { exp?: number }>(unknown, { algorithms: ['HS256'] });
        } catch {
          return undefined;
        }
      }),
    );
  }
}
