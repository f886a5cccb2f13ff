import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScope } from './auth-user.js';

export const KEY_SCOPE = 'auth:keyScope';
/** A route's declared scope; `session` means API keys may not call it at all (a token is needed). */
export type DeclaredScope = ApiKeyScope | 'session';

/**
 * Declares which API key scope a route (or a whole controller) needs, where the default of
 * `requiredScope` does not fit: `predict` for inference, jobs and ingestion; `session` for key
 * management, so a leaked key cannot mint more keys.
 */
export const KeyScope = (scope: DeclaredScope) => SetMetadata(KEY_SCOPE, scope);
