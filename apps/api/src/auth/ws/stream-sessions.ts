import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { UnauthorizedError } from '@app/common';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';

/** WebSocket close code for a policy violation: expired or revoked token, deactivated user, too many sockets. */
export const POLICY_VIOLATION = 1008;

export interface StreamSessionOptions {
  /** How often an open socket's token is checked again (expiry, deactivation, revocation). */
  recheckMs: number;
  /** Open sockets one user may hold in this process; more are closed at once. */
  maxSocketsPerUser: number;
}

/**
 * The WebSocket sessions per user (the inference stream). A token is checked at the handshake only by the upgrade; a
 * socket can stay open for hours, so each one re-authenticates its token every `recheckMs` (through the
 * same TokenService as HTTP, so revocation and deactivation apply the same way) and is closed with
 * 1008 once it no longer passes. A failure that is not a refusal (database down) keeps the socket:
 * the next check tries again.
 */
export class StreamSessions {
  private readonly logger = new Logger(StreamSessions.name);
  private readonly byUser = new Map<number, Set<WebSocket>>();

  constructor(
    private readonly authenticate: (token: string) => Promise<AuthUser>,
    private readonly options: StreamSessionOptions,
  ) {}

  /** Registers a socket that passed the handshake; closes it with 1008 when its user holds too many. */
  admit(socket: WebSocket, user: AuthUser, token: string): void {
    const sockets = this.byUser.get(user.id) ?? new Set<WebSocket>();
    if (sockets.size >= this.options.maxSocketsPerUser) {
      socket.close(POLICY_VIOLATION, `Too many open streams for this user (max ${this.options.maxSocketsPerUser})`);
      return;
    }
    sockets.add(socket);
    this.byUser.set(user.id, sockets);
    const timer = setInterval(() => this.recheck(socket, token), this.options.recheckMs);
    timer.unref();
    socket.once('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
      if (sockets.size === 0 && this.byUser.get(user.id) === sockets) this.byUser.delete(user.id);
    });
  }

  private recheck(socket: WebSocket, token: string): void {
    if (socket.readyState !== socket.OPEN) return;
    this.authenticate(token).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof UnauthorizedError) {
          socket.close(POLICY_VIOLATION, 'Token expired or revoked');
          return;
        }
        this.logger.warn(`Could not re-check a stream's token: ${(error as Error).message}`);
      },
    );
  }
}
