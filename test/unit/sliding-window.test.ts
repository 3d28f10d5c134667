import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '../../src/guards/sliding-window.js';
import { CircuitBreaker } from '../../src/guards/circuit-breaker.js';
import { BurnRateBreaker } from '../../src/guards/burn-rate-breaker.js';

const outcomes = (windowMs = 1000) => new SlidingWindow<boolean>(windowMs, [() => 1, (failed) => (failed ? 1 : 0)]);

describe('SlidingWindow', () => {
  it('keeps one slot per millisecond, with the totals of its values', () => {
    const w = outcomes();
    w.push(5, true);
    w.push(5, false);
    w.push(5, true);
    w.push(6, false);
    expect(w.size).toBe(2);
    expect([w.sum(0), w.sum(1)]).toEqual([4, 2]);
    expect(w.latest(10)).toEqual([{ at: 5, sums: [3, 2] }, { at: 6, sums: [1, 0] }]);
    expect(w.latest(1)).toEqual([{ at: 6, sums: [1, 0] }]);
  });

  it('drops a millisecond exactly windowMs old, whole', () => {
    const w = outcomes(100);
    w.push(0, true);
    w.push(0, true);
    w.push(1, false);
    w.expire(99);
    expect(w.sum(0)).toBe(3);
    w.expire(100);
    expect([w.sum(0), w.sum(1), w.size]).toEqual([1, 0, 1]);
  });

  it('stays exact while its ring grows, wraps round and shrinks again', () => {
    const w = new SlidingWindow<number>(1000, [(n) => n]);
    let expected = 0;
    const live: Array<[number, number]> = [];
    for (let at = 0; at < 20_000; at++) {
      w.expire(at);
      while (live.length > 0 && live[0]![0] <= at - 1000) expected -= live.shift()![1];
      w.push(at, at % 7);
      live.push([at, at % 7]);
      expected += at % 7;
      if (at % 997 === 0) expect(w.sum(0)).toBe(expected);
    }
    expect(w.size).toBe(1000);
    expect(w.latest(3).map((s) => s.at)).toEqual([19_997, 19_998, 19_999]);
    // After the burst, a quiet minute: the ring gives its room back, and keeps working.
    w.expire(60_000);
    expect([w.size, w.sum(0)]).toEqual([0, 0]);
    w.push(60_001, 4);
    expect(w.latest(5)).toEqual([{ at: 60_001, sums: [4] }]);
  });

  it('clear starts afresh', () => {
    const w = outcomes();
    for (let at = 0; at < 100; at++) w.push(at, true);
    w.clear();
    expect([w.size, w.sum(0), w.sum(1)]).toEqual([0, 0, 0]);
    w.push(200, false);
    expect(w.latest(5)).toEqual([{ at: 200, sums: [1, 0] }]);
  });
});

describe('breakers store their windows call by call', () => {
  it('a circuit stores each outcome of a millisecond, and at most the newest 1000', () => {
    const c = new CircuitBreaker({ minCalls: 100_000 });
    c.record(10, true, false);
    c.record(10, false, false);
    c.record(11, false, false);
    expect(c.toJSON().outcomes).toEqual([[10, true], [10, false], [11, false]]);
    for (let i = 0; i < 3000; i++) c.record(20 + Math.floor(i / 3), false, false);
    const stored = c.toJSON().outcomes;
    expect(stored.length).toBe(1000);
    expect(stored.at(-1)).toEqual([1019, false]);
    expect(CircuitBreaker.fromJSON(c.toJSON()).toJSON()).toEqual(c.toJSON());
  });

  it('a burn-rate breaker stores its spend per millisecond', () => {
    const b = new BurnRateBreaker({ limitNano: 1_000_000 });
    b.record(1, 10, false);
    b.record(1, 15, false);
    b.record(2, 5, false);
    expect(b.toJSON().spend).toEqual([[1, 25], [2, 5]]);
    expect(BurnRateBreaker.fromJSON(b.toJSON(), { limitNano: 1_000_000 }).spent(2)).toBe(30);
  });
});
