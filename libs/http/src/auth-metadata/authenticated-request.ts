import type { IncomingMessage } from 'node:http';
import type { AuthUser } from './auth-user.js';

/**
 * A WebSocket upgrade request once the handshake has checked its
 * credential (apps/api's AuthenticatedWsAdapter sets `user`).
 */
export type AuthenticatedRequest = IncomingMessage & { user?: AuthUser; token?: string };
