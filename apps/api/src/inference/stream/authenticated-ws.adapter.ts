import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { AuthUser } from '../../auth/auth-user.js';
import { TokenService } from '../../auth/token.service.js';

export type AuthenticatedRequest = IncomingMessage & { user?: AuthUser };

/**
 * The `ws` adapter with the token checked at the handshake: `?token=` must be a valid JWT of an
 * active user, else the upgrade is refused with 401 and no socket is opened. Frames are not routed
 * by Nest's `{ event, data }` convention; the gateway reads them itself.
 */
export class AuthenticatedWsAdapter extends WsAdapter {
  private readonly tokens: TokenService;

  constructor(app: INestApplicationContext) {
    super(app, { messageParser: () => undefined });
    this.tokens = app.get(TokenService);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): unknown {
    return super.create(port, {
      ...options,
      verifyClient: (info: { req: AuthenticatedRequest }, done: (ok: boolean, code?: number, message?: string) => void) => {
        const token = new URL(info.req.url ?? '/', 'http://localhost').searchParams.get('token');
        if (!token) return done(false, 401, 'Unauthorized');
        this.tokens.authenticate(token).then(
          (user) => {
            info.req.user = user;
            done(true);
          },
          () => done(false, 401, 'Unauthorized'),
        );
      },
    });
  }
}
