import { UnauthorizedError } from '@app/common';
import type { CredentialRejection } from '../auth-events/auth-event-types.js';

/** What the audit trail learns of a refused credential; the client sees only the 401's code and message. */
export interface Refusal {
  reason: CredentialRejection;
  credential: 'jwt' | 'api_key';
  /** Only from a verified signature or a stored key: an unverified token's claims are not believed. */
  subjectUserId?: number;
  apiKeyId?: number;
}

/** A 401 for a token or key, carrying why (kept internal: the exception filter writes code and message only). */
export class CredentialRefused extends UnauthorizedError {
  constructor(
    code: 'AUTH_TOKEN_INVALID' | 'AUTH_API_KEY_INVALID',
    message: string,
    readonly refusal: Refusal,
  ) {
    super(code, message);
  }
}
