import type { LoggerService } from '@nestjs/common';
import { withTimeout } from '@app/common';
import type { JobQueue } from './job-queue.js';

/**
 * Enqueues a stored job, waiting at most `timeoutMs`. The job's row (status queued) is already
 * committed, so the queue is only the doorbell: when Redis is down the submission still answers
 * at once. The BullMQ add keeps waiting in the connection's offline queue and is sent when Redis is
 * back; should the process die first, or the add fail, the job is still `queued` in the database,
 * where recovery (at boot, and the periodic reconciler) enqueues it again. Enqueuing is idempotent.
 */
export async function enqueueWithin(
  queue: JobQueue,
  jobId: string,
  timeoutMs: number,
  logger: LoggerService,
): Promise<void> {
  try {
    await withTimeout(queue.enqueue(jobId), timeoutMs, `the ${queue.kind} queue did not answer within ${timeoutMs} ms`);
  } catch (error) {
    logger.warn(
      `Job ${jobId} is stored but not yet enqueued (${(error as Error).message}); it runs once the queue is back`,
    );
  }
}
