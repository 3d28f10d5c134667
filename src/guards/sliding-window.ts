/** The measures' totals over the calls of one millisecond. */
export interface WindowSlot { at: number; sums: number[] }

const MIN_CAPACITY = 16;

/**
 * Measures of timestamped values in a window that slides with time: a value exactly `windowMs`
 * old is out. Only the measures are kept, summed per millisecond, in typed arrays used as a
 * ring: a breaker's window costs at most windowMs × 8 × (1 + measures) bytes however fast calls
 * come (≤ 1.5 MB for a minute of a circuit's two measures), where an array per call cost ~90 bytes
 * each and, at thousands of calls a second, tens of MB. Appends and expiry are O(1) amortised,
 * with running totals. Times must not go backwards.
 */
export class SlidingWindow<V> {
  private times: Float64Array;
  /** The slots' measures, `measures.length` per slot, in the same ring positions as `times`. */
  private values: Float64Array;
  private head = 0;
  private count = 0;
  private totals: number[];

  /** @param measures the running totals kept of each value (e.g. count, failures, nano). */
  constructor(private readonly windowMs: number, private readonly measures: ReadonlyArray<(value: V) => number>, initial: ReadonlyArray<[number, V]> = []) {
    this.totals = measures.map(() => 0);
    this.times = new Float64Array(MIN_CAPACITY);
    this.values = new Float64Array(MIN_CAPACITY * measures.length);
    for (const [at, value] of initial) this.push(at, value);
  }

  /** Drops what is out of the window at `now`. */
  expire(now: number): void {
    const cutoff = now - this.windowMs;
    const m = this.measures.length;
    while (this.count > 0 && this.times[this.head]! <= cutoff) {
      for (let i = 0; i < m; i++) this.totals[i]! -= this.values[this.head * m + i]!;
      this.head = (this.head + 1) % this.times.length;
      this.count--;
    }
    // Give back what a burst needed once it is over (a quarter full: no resizing back and forth).
    if (this.times.length > MIN_CAPACITY && this.count * 4 <= this.times.length) {
      let capacity = this.times.length;
      while (capacity > MIN_CAPACITY && this.count * 4 <= capacity) capacity /= 2;
      this.resize(capacity);
    }
  }

  push(at: number, value: V): void {
    const m = this.measures.length;
    const newest = this.count === 0 ? -1 : (this.head + this.count - 1) % this.times.length;
    let slot = newest;
    // Calls of the same millisecond share a slot: they enter and leave the window together.
    if (newest === -1 || this.times[newest] !== at) {
      if (this.count === this.times.length) this.resize(this.times.length * 2);
      slot = (this.head + this.count) % this.times.length;
      this.times[slot] = at;
      this.values.fill(0, slot * m, slot * m + m);
      this.count++;
    }
    for (let i = 0; i < m; i++) {
      const amount = this.measures[i]!(value);
      this.values[slot * m + i]! += amount;
      this.totals[i]! += amount;
    }
  }

  /** The running total of measure `i` over what is in the window (after `expire`). */
  sum(i: number): number {
    return this.totals[i] ?? 0;
  }

  /** Milliseconds with values in the window. */
  get size(): number {
    return this.count;
  }

  /** The newest `limit` slots, oldest first (what is kept when stored). */
  latest(limit: number): WindowSlot[] {
    const m = this.measures.length;
    const slots: WindowSlot[] = [];
    for (let k = Math.max(0, this.count - limit); k < this.count; k++) {
      const slot = (this.head + k) % this.times.length;
      slots.push({ at: this.times[slot]!, sums: Array.from(this.values.subarray(slot * m, slot * m + m)) });
    }
    return slots;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.totals = this.measures.map(() => 0);
    if (this.times.length > MIN_CAPACITY) this.resize(MIN_CAPACITY);
  }

  /** Moves the slots, oldest first, into arrays of `capacity` slots. */
  private resize(capacity: number): void {
    const m = this.measures.length;
    const times = new Float64Array(capacity);
    const values = new Float64Array(capacity * m);
    for (let k = 0; k < this.count; k++) {
      const slot = (this.head + k) % this.times.length;
      times[k] = this.times[slot]!;
      values.set(this.values.subarray(slot * m, slot * m + m), k * m);
    }
    this.times = times;
    this.values = values;
    this.head = 0;
  }
}
