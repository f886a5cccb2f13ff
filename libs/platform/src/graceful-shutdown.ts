import type { Server } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { OpenWebSockets } from './open-websockets.js';
import { stopTracing } from './tracing.js';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
/** The share of the deadline the HTTP drain may use; the rest is kept for the shutdown hooks. */
const DRAIN_SHARE = 0.6;

export interface ShutdownOptions {
  /** The whole shutdown's bound (SHUTDOWN_TIMEOUT_MS): past it the process exits 1 regardless. */
  deadlineMs: number;
  webSockets?: OpenWebSockets;
}

/**
 * On SIGTERM/SIGINT, within `deadlineMs`:
 * 1. stop accepting, close WebSockets with 1001 (an open one would keep the server from closing),
 *    and let the requests in flight finish; those still running at 60 % of the deadline are cut
 *    (Nest's own hooks would close the database and the runtime under them);
 * 2. run the shutdown hooks: flush the prediction log first (it runs before any module closes),
 *    stop jobs between chunks, close queues, Redis and the pool; then exit 0.
 * A hook that hangs (a dependency that does not answer) meets the deadline: exit 1. A second signal
 * exits at once.
 */
export function installGracefulShutdown(
  app: INestApplicationContext,
  httpServer: Server | undefined,
  options: ShutdownOptions,
): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.log(`${signal}: draining (deadline ${options.deadlineMs} ms)`);
      const deadline = setTimeout(() => {
        logger.error(`Shutdown did not finish within ${options.deadlineMs} ms: exiting`);
        process.exit(1);
      }, options.deadlineMs);
      deadline.unref();
      void (async () => {
        if (httpServer) await drain(httpServer, options, logger);
        await app.close();
        await stopTracing();
        process.exit(0);
      })().catch((error: unknown) => {
        logger.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      });
    });
  }
}

async function drain(httpServer: Server, options: ShutdownOptions, logger: Logger): Promise<void> {
  const drainMs = Math.floor(options.deadlineMs * DRAIN_SHARE);
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  // Idle keep-alive connections would otherwise hold the server open until they time out.
  httpServer.closeIdleConnections();
  await options.webSockets?.closeAll(Math.min(1000, drainMs / 2));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), drainMs)));
  if ((await Promise.race([closed, late])) === 'late') {
    logger.warn(`Requests still running after ${drainMs} ms: closing their connections`);
    httpServer.closeAllConnections();
    await closed;
  }
  clearTimeout(timer);
}
