/**
 * A byte budget for large payloads being read, parsed and served at the same time. A JSON body
 * of n bytes becomes several times n of heap while it is parsed and validated (an image tensor as
 * nested arrays: about 6×), so the number of maximum-size bodies admitted together, not their
 * size alone, decides whether the heap holds. Callers take bytes before the work and give them
 * back when it is done; a claim that does not fit is refused at once (never queued: a queue would
 * hold the payloads in memory too).
 */
export class InFlightBudget {
  private used = 0;
  private claims = 0;

  constructor(readonly capacityBytes: number) {}

  /**
   * Takes `bytes` and returns the function that gives them back (idempotent), or undefined when
   * they do not fit. A claim larger than the whole budget is admitted when nothing else is in
   * flight, so a capacity below the body limit slows such bodies down but never bars them.
   */
  tryAcquire(bytes: number): (() => void) | undefined {
    const size = Math.max(0, bytes);
    if (this.claims > 0 && this.used + size > this.capacityBytes) return undefined;
    this.used += size;
    this.claims += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= size;
      this.claims -= 1;
    };
  }

  get inUseBytes(): number {
    return this.used;
  }

  get inFlight(): number {
    return this.claims;
  }
}
