import type { Logger } from 'pino';
import { logCompletedRequest, type CompletedRequest } from './logging.js';

/** One full line per window; the refusals after it in the same window are counted, not written. */
export const REFUSAL_LOG_WINDOW_MS = 1_000;

/**
 * The access log: one line per answer (logCompletedRequest), except refusals that tell the caller
 * when to come back (503 with Retry-After: load shedding, a model that cannot be made resident, a
 * database that is down), which are folded. Such a refusal is a designed answer, counted in metrics,
 * and comes in floods: under overload it is most answers, and one error line each cost about a fifth
 * of the HTTP thread's refusal rate (bench/refusal-cost.ts), the thread that must keep reading what it
 * admits and /health. The first refusal of each window is logged in full (its request id, route and
 * latency); the rest of the window's are summed in one line at its end ("N more requests refused with
 * 503 and Retry-After").
 */
export class AccessLog {
  private windowStart = -Infinity;
  private folded = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = REFUSAL_LOG_WINDOW_MS,
  ) {}

  /** Logs `request`'s answer; `retryLater`: it was a 503 that carried Retry-After. */
  completed(request: CompletedRequest, retryLater: boolean): void {
    if (!(retryLater && request.statusCode === 503)) return logCompletedRequest(this.logger, request);
    const now = performance.now();
    if (now - this.windowStart < this.windowMs) {
      this.folded += 1;
      this.flushTimer ??= setTimeout(() => this.flush(), this.windowStart + this.windowMs - now).unref();
      return;
    }
    this.flush();
    this.windowStart = now;
    logCompletedRequest(this.logger, request);
  }

  /** Writes the window's folded count, if any (also at shutdown, so no count is lost). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.folded === 0) return;
    this.logger.error(
      { res: { statusCode: 503 }, folded: this.folded, windowMs: this.windowMs },
      `${this.folded} more requests refused with 503 and Retry-After (folded)`,
    );
    this.folded = 0;
  }
}
