import { Logger } from '@nestjs/common';

let installed = false;

/**
 * The last line, not the fix: a promise rejection that no code handled is logged, and the process
 * keeps serving everyone else (Node's default would end it). Every async path is meant to handle
 * its own failures; a line from here in the log is a bug to fix where it was thrown. An uncaught
 * synchronous exception keeps Node's default (exit), since the state it leaves is unknown.
 */
export function installProcessSafetyNet(): void {
  if (installed) return;
  installed = true;
  const logger = new Logger('Process');
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error(
      `Unhandled promise rejection: ${reason instanceof Error ? reason.message : String(reason)}`,
      reason instanceof Error ? reason.stack : undefined,
    );
  });
}
