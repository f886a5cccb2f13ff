/**
 * Moving averages of one version's traffic: how long an execution takes and how far apart requests
 * arrive. The batcher sizes its coalescing wait and its admission estimate from them, so they follow
 * the machine as it is now (another tenant, a bigger batch) rather than a figure set at deploy.
 */
export class LoadObserver {
  private execMs: number | undefined;
  private gapMs: number | undefined;
  private lastArrival: number | undefined;

  /** Mean milliseconds of one execution; undefined until the version has run once. */
  get meanExecMs(): number | undefined {
    return this.execMs;
  }

  /** Mean milliseconds between two arrivals; undefined until two have arrived. */
  get meanGapMs(): number | undefined {
    return this.gapMs;
  }

  observeExecution(ms: number): void {
    this.execMs = this.execMs === undefined ? ms : 0.8 * this.execMs + 0.2 * ms;
  }

  observeArrival(now: number): void {
    if (this.lastArrival !== undefined) {
      const gap = now - this.lastArrival;
      this.gapMs = this.gapMs === undefined ? gap : 0.9 * this.gapMs + 0.1 * gap;
    }
    this.lastArrival = now;
  }
}
