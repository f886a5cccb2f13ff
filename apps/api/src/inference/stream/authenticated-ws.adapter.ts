import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { AuthUser } from '../../auth/auth-user.js';
import { TokenService } from '../../auth/token.service.js';
import { AppConfig } from '../../config/app-config.js';
import { StreamSessions } from './stream-sessions.js';

export type AuthenticatedRequest = IncomingMessage & { user?: AuthUser; token?: string };

/**
 * The `ws` adapter with the token checked at the handshake: `?token=` must be a valid JWT of an
 * active user, else the upgrade is refused with 401 and no socket is opened. After that, every open
 * socket is re-checked and capped per user (StreamSessions). Frames are not routed by Nest's
 * `{ event, data }` convention; the gateway reads them itself.
 */
export class AuthenticatedWsAdapter extends WsAdapter {
  private readonly tokens: TokenService;
  private readonly sessions: StreamSessions;

  constructor(app: INestApplicationContext) {
    super(app, { messageParser: () => undefined });
    this.tokens = app.get(TokenService);
    this.sessions = new StreamSessions((token) => this.tokens.authenticate(token), app.get(AppConfig).stream);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): unknown {
    const server = super.create(port, {
      ...options,
      verifyClient: (info: { req: AuthenticatedRequest }, done: (ok: boolean, code?: number, message?: string) => void) => {
        const token = new URL(info.req.url ?? '/', 'http://localhost').searchParams.get('token');
        if (!token) return done(false, 401, 'Unauthorized');
        this.tokens.authenticate(token).then(
          (user) => {
            info.req.user = user;
            info.req.token = token;
            done(true);
          },
          () => done(false, 401, 'Unauthorized'),
        );
      },
    }) as WebSocketServer;
    // Registered before the gateway's own handler, so an extra socket is closed before it is served.
    server.on('connection', (socket: WebSocket, request: AuthenticatedRequest) => {
      if (request.user && request.token) this.sessions.admit(socket, request.user, request.token);
    });
    return server;
  }
}
