/**
 * Runs a task on request with at most one run going and one waiting: requests made while a run is
 * going share the single waiting run, which starts after it, so a burst of N requests costs at most
 * two runs and every request is answered by a run that started after it was made.
 */
export class CoalescedRun {
  private running?: Promise<void>;
  private waiting?: Promise<void>;

  constructor(private readonly task: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.waiting) return this.waiting;
    if (!this.running) return this.start();
    const waiting = this.running.then(() => {
      this.waiting = undefined;
      return this.start();
    });
    this.waiting = waiting;
    return waiting;
  }

  private start(): Promise<void> {
    const run = Promise.resolve().then(this.task);
    // The waiting run follows this one whether it succeeds or fails.
    const settled: Promise<void> = run
      .catch(() => undefined)
      .then(() => {
        if (this.running === settled) this.running = undefined;
      });
    this.running = settled;
    return run;
  }
}
