import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { ForbiddenError } from '@app/common';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import type { AuthenticatedRequest } from '@app/http/auth-metadata/authenticated-request.js';
import { requestCredential } from '../credential.js';
import { CredentialsService } from '../credentials.service.js';
import { AppConfig } from '@app/config';
import { StreamSessions } from './stream-sessions.js';

/**
 * The `ws` adapter with the credential checked at the handshake: `?token=` (or the `Authorization:
 * Bearer` / `X-API-Key` header) must be a valid JWT of an active user or an API key with the
 * `predict` scope, else the upgrade is refused with 401 (403 for a key without the scope) and no
 * socket is opened. After that, every open
 * socket is re-checked and capped per user (StreamSessions). Frames are not routed by Nest's
 * `{ event, data }` convention; the gateway reads them itself.
 */
export class AuthenticatedWsAdapter extends WsAdapter {
  private readonly credentials: CredentialsService;
  private readonly sessions: StreamSessions;

  constructor(app: INestApplicationContext) {
    super(app, { messageParser: () => undefined });
    this.credentials = app.get(CredentialsService);
    this.sessions = new StreamSessions((token) => this.authenticate(token), app.get(AppConfig).stream);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): unknown {
    const server = super.create(port, {
      ...options,
      verifyClient: (
        info: { req: AuthenticatedRequest },
        done: (ok: boolean, code?: number, message?: string) => void,
      ) => {
        const token =
          new URL(info.req.url ?? '/', 'http://localhost').searchParams.get('token') ||
          requestCredential(info.req.headers);
        if (!token) return done(false, 401, 'Unauthorized');
        this.authenticate(token).then(
          (user) => {
            info.req.user = user;
            info.req.token = token;
            done(true);
          },
          (error: unknown) =>
            error instanceof ForbiddenError ? done(false, 403, 'Forbidden') : done(false, 401, 'Unauthorized'),
        );
      },
    }) as WebSocketServer;
    // Registered before the gateway's own handler, so an extra socket is closed before it is served.
    server.on('connection', (socket: WebSocket, request: AuthenticatedRequest) => {
      if (request.user && request.token) this.sessions.admit(socket, request.user, request.token);
    });
    return server;
  }

  /** The stream is an inference route: an API key needs `predict` (checked again on every re-check). */
  private async authenticate(credential: string): Promise<AuthUser> {
    const user = await this.credentials.authenticate(credential);
    if (user.apiKey && !user.apiKey.scopes.includes('predict'))
      throw new ForbiddenError('AUTH_API_KEY_SCOPE', "This API key lacks the 'predict' scope");
    return user;
  }
}
