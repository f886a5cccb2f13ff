import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import type { JwtClaims } from './jwt-claims.js';
import type { TokenSubject } from '@app/common';
import { SignedTokenCache, verifiedOnce } from './verified-tokens.js';
import { CredentialRefused, type Refusal } from './credential-refused.js';

type Failure = Omit<Refusal, 'credential'>;

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
  /** Why a request's token failed, for the audit trail: learnt from the one verification per request. */
  private readonly failures = new WeakMap<object, Failure>();

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
    let failure: Failure | undefined;
    const claims = this.verified(token, request, (why) => (failure = why));
    // No failure seen here: this request's token failed earlier (the rate limiter's check), or it
    // verified before and its `exp` has passed since (SignedTokenCache answers without verifying).
    if (!claims) throw refused(failure ?? (request && this.failures.get(request)) ?? { reason: 'expired' });
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

  /** `onFailure` (and the request's entry in `failures`) learns why the one verification failed. */
  private verified(
    token: string,
    request: object | undefined,
    onFailure?: (why: Failure) => void,
  ): JwtClaims | undefined {
    return verifiedOnce(request, token, (candidate) =>
      this.signed.claimsOf(candidate, (unknown) => {
        try {
          // Only HS256 is accepted: `alg: none` and algorithm swaps fail verification.
          return this.jwt.verify<JwtClaims & { exp?: number }>(unknown, { algorithms: ['HS256'] });
        } catch (error) {
          const why = this.failureOf(error, unknown);
          if (request) this.failures.set(request, why);
          onFailure?.(why);
          return undefined;
        }
      }),
    );
  }

  /**
   * jsonwebtoken checks the signature before the expiry, so an expiry error means a good signature
   * (its `sub` can be believed, read without a second verification); anything else is a bad one.
   */
  private failureOf(error: unknown, token: string): Failure {
    if ((error as Error).name !== 'TokenExpiredError') return { reason: 'bad_signature' };
    const sub = this.jwt.decode<{ sub?: unknown } | null>(token)?.sub;
    return { reason: 'expired', subjectUserId: typeof sub === 'number' ? sub : undefined };
  }
}
