import type { Server } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { stopTracing } from './tracing.js';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * On SIGTERM/SIGINT: stop accepting and let the requests in flight finish first (Nest's own hooks
 * would close the database and the runtime before the HTTP server), then run the shutdown hooks
 * (flush the prediction log, stop jobs between chunks, close queues, Redis and the pool), then
 * exit 0. A second signal exits at once.
 */
export function installGracefulShutdown(app: INestApplicationContext, httpServer?: Server): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.log(`${signal}: draining`);
      void (async () => {
        if (httpServer) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
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
