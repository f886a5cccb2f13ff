/**
 * Where accepted job ids wait for a worker. Two implementations: BullMQ over Redis (several
 * processes share it) and an in-process queue for the embedded default.
 */
export abstract class JobQueue {
  abstract readonly kind: 'bullmq' | 'in-process';
  /** Idempotent: enqueuing a job that is already waiting or running does not run it twice. */
  abstract enqueue(jobId: string): Promise<void>;
  /**
   * Makes sure a queue entry will run the job: nothing when one is waiting or running; otherwise
   * (never added, vanished, or finished as failed or completed while the row is unfinished) it
   * adds a fresh one. True when it added one. Safe to call at any time: the runner's atomic claim
   * means an extra entry never runs a finished job again.
   */
  abstract ensurePending(jobId: string): Promise<boolean>;
  /** Jobs waiting or running in the queue itself (for metrics). */
  abstract depth(): Promise<number>;
}

/** What a queue calls to run a job; JobRunner implements it. */
export abstract class JobProcessor {
  abstract process(jobId: string): Promise<void>;
}
