/** Every kind of security event. Plain text in the table, so a type added later needs no schema change. */
export const AUTH_EVENT_TYPES = [
  'login_succeeded',
  'login_failed',
  'login_rate_limited',
  'token_rejected',
  'password_changed',
  'email_changed',
  'username_changed',
  'role_changed',
  'user_deactivated',
  'user_reactivated',
  'api_key_created',
  'api_key_revoked',
  'api_key_used_after_expiry',
] as const;
export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

/** Why a sign-in failed: stored for operators, never told to the client (it gets one answer for all). */
export type LoginFailure = 'unknown_account' | 'wrong_password' | 'inactive';

/** Why a credential was refused: `revoked` (password change, deactivation, revoked key), `expired`, `bad_signature`. */
export type CredentialRejection = 'revoked' | 'expired' | 'bad_signature';

/** What a user sees of their own account at /auth/me/events: sign-ins, key changes and account changes. */
export const OWN_EVENT_TYPES: readonly AuthEventType[] = AUTH_EVENT_TYPES.filter((type) => type !== 'token_rejected');

/** Column bounds: whatever a client sends is cut to these before it is stored. */
export const MAX_ADDRESS_CHARS = 64;
export const MAX_USER_AGENT_CHARS = 256;
export const MAX_REQUEST_ID_CHARS = 128;
/** A login name in `details` (the users table's own bound is 50). */
export const MAX_LOGIN_CHARS = 64;
