import type { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocketServer } from 'ws';

/** "Going away": the code a server closes its WebSockets with when it shuts down (RFC 6455). */
export const GOING_AWAY = 1001;

/**
 * The WebSocket servers a ws adapter creates, so shutdown can close their clients properly: an
 * open WebSocket keeps the HTTP server from closing, and Nest's own close terminates sockets
 * without a close frame (the client sees 1006, not a restart it may reconnect after).
 */
export class OpenWebSockets {
  private readonly servers = new Set<WebSocketServer>();

  /** Wraps the adapter's `create`, so every server it makes (one per gateway path) is known here. */
  track<T extends WsAdapter>(adapter: T): T {
    const create = adapter.create.bind(adapter);
    adapter.create = (port: number, options?: Record<string, unknown>) => {
      const server = create(port, options) as WebSocketServer;
      this.servers.add(server);
      return server;
    };
    return adapter;
  }

  /** Sends every client a 1001 close frame, then drops the sockets still open after `graceMs`. */
  async closeAll(graceMs: number): Promise<void> {
    const clients = [...this.servers].flatMap((server) => [...server.clients]);
    if (clients.length === 0) return;
    const closed = clients.map((client) => new Promise<void>((resolve) => client.once('close', () => resolve())));
    for (const client of clients) client.close(GOING_AWAY, 'Server shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const client of clients) client.terminate();
  }
}

const registry = new WeakMap<object, OpenWebSockets>();

/** The tracker of an app (made by configureApp); shutdown reads it. */
export function openWebSocketsOf(app: object): OpenWebSockets {
  let sockets = registry.get(app);
  if (!sockets) registry.set(app, (sockets = new OpenWebSockets()));
  return sockets;
}
