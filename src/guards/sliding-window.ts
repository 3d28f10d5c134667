/**
 * Timestamped values in a window that slides with time: an entry exactly `windowMs` old is
 * out. Appends and expiry are O(1) amortised with running totals, so a breaker costs the same
 * on its ten-thousandth call in a minute as on its first. Times must not go backwards.
 */
export class SlidingWindow<V> {
  private entries: Array<[at: number, value: V]> = [];
  private head = 0;
  private sums: number[];

  /** @param measures the running totals kept of each value (e.g. count, failures, nano). */
  constructor(private readonly windowMs: number, private readonly measures: ReadonlyArray<(value: V) => number>, initial: ReadonlyArray<[number, V]> = []) {
    this.sums = measures.map(() => 0);
    for (const [at, value] of initial) this.push(at, value);
  }

  /** Drops what is out of the window at `now`. */
  expire(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.entries.length && this.entries[this.head]![0] <= cutoff) {
      const [, value] = this.entries[this.head++]!;
      this.measures.forEach((measure, i) => { this.sums[i]! -= measure(value); });
    }
    // Reclaim the dropped front now and then, not on every call.
    if (this.head > 1024 && this.head * 2 > this.entries.length) { this.entries = this.entries.slice(this.head); this.head = 0; }
  }

  push(at: number, value: V): void {
    this.entries.push([at, value]);
    this.measures.forEach((measure, i) => { this.sums[i]! += measure(value); });
  }

  /** The running total of measure `i` over what is in the window (after `expire`). */
  sum(i: number): number {
    return this.sums[i] ?? 0;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** The newest `limit` entries, oldest first (what is kept when stored). */
  latest(limit: number): Array<[number, V]> {
    return this.entries.slice(Math.max(this.head, this.entries.length - limit)).map(([at, value]): [number, V] => [at, value]);
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.sums = this.measures.map(() => 0);
  }
}
