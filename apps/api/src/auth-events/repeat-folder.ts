/** What the folder keeps of the first occurrence of a key, to write its summary row from. */
export interface Folded<E> {
  first: E;
  repeats: number;
}

/**
 * Flood protection for events a client can cause at will (a bad token on every request): the first
 * occurrence of a key (address, reason, key id) in a window is stored at once, its repeats are only
 * counted, and when the window ends each key that repeated becomes one summary row with the count.
 * So a flood of any size costs at most two rows per key per window. The keys of one window are
 * bounded too: past `maxKeys`, occurrences are folded under one overflow key.
 */
export class RepeatFolder<E> {
  private window = new Map<string, Folded<E>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
    /** Receives every key of a closed window that repeated. */
    private readonly summarise: (folded: Folded<E>) => void,
  ) {}

  /** True when `event` is the first of its key in this window (store it); false when it was folded. */
  admit(key: string, event: E, overflowKey: string): boolean {
    this.timer ??= setTimeout(() => this.closeWindow(), this.windowMs).unref();
    const known = this.window.get(key) ?? (this.window.size >= this.maxKeys ? this.window.get(overflowKey) : undefined);
    if (known) {
      known.repeats += 1;
      return false;
    }
    this.window.set(this.window.size >= this.maxKeys ? overflowKey : key, { first: event, repeats: 0 });
    return true;
  }

  /** Ends the window now: summarises what repeated (also at shutdown, so no count is lost). */
  closeWindow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const closed = this.window;
    this.window = new Map();
    for (const folded of closed.values()) if (folded.repeats > 0) this.summarise(folded);
  }
}
