import { Injectable } from '@nestjs/common';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { isApiKey } from './credential.js';
import { TokenService } from './token.service.js';

/** One entry for "who is this credential": an `ak_` API key or a JWT. HTTP guard and stream alike use it. */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** `request`, when there is one, lets a JWT's signature be checked once per request (verified-tokens.ts). */
  authenticate(credential: string, request?: object): Promise<AuthUser> {
    return isApiKey(credential) ? this.apiKeys.authenticate(credential) : this.tokens.authenticate(credential, request);
  }

  /**
   * The rate limiter's view of a credential: a valid API key's owner,
   * or the user id of a JWT whose signature and expiry check out.
   */
  subjectOf(credential: string, request?: object): number | undefined | Promise<number | undefined> {
    return isApiKey(credential) ? this.keyOwner(credential) : this.tokens.subjectOf(credential, request);
  }

  /** The rate limiter's view of an API key: its owner's id when the key is valid (cached), else undefined. */
  keyOwner(key: string): Promise<number | undefined> {
    return this.apiKeys.authenticate(key).then(
      (user) => user.id,
      () => undefined,
    );
  }
}
