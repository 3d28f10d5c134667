import { describe, expect, it } from 'vitest';
import { CircuitBreaker, circuitKey, isCircuitFailure } from '../../src/guards/circuit-breaker.js';

/** Records `n` calls from time `from`, 1 ms apart, each failed or not. */
const feed = (c: CircuitBreaker, from: number, outcomes: boolean[]): void => outcomes.forEach((failed, i) => c.record(from + i, failed, false));

describe('CircuitBreaker', () => {
  it('opens on the 5th failure in a row, not the 4th, and refuses until the cooldown ends', () => {
    const c = new CircuitBreaker();
    feed(c, 0, [true, true, true, true]);
    expect(c.state).toBe('closed');
    expect(c.allow(4)).toEqual({ allowed: true, probe: false });
    c.record(4, true, false);
    expect(c.state).toBe('open');
    expect(c.allow(5)).toEqual({ allowed: false, retryAt: 30_004, state: 'open' });
    expect(c.allow(30_003)).toEqual({ allowed: false, retryAt: 30_004, state: 'open' });
  });

  it('a success breaks the run of failures', () => {
    const c = new CircuitBreaker();
    feed(c, 0, [true, true, true, true, false, true, true, true, true]);
    expect(c.state).toBe('closed');
  });

  it('half-open lets exactly one probe through; concurrent callers are refused while it is out; its success closes', () => {
    const c = new CircuitBreaker({ consecutiveFailures: 1 });
    c.record(0, true, false);
    expect(c.allow(30_000)).toEqual({ allowed: true, probe: true });
    expect(c.state).toBe('half-open');
    // retryAt: when the probe would be presumed lost (10 min after it left).
    expect(c.allow(30_001)).toEqual({ allowed: false, retryAt: 630_000, state: 'half-open' });
    expect(c.allow(40_000)).toEqual({ allowed: false, retryAt: 630_000, state: 'half-open' });
    c.record(45_000, false, true);
    expect(c.state).toBe('closed');
    expect(c.allow(45_001)).toEqual({ allowed: true, probe: false });
  });

  it('a probe never reported is presumed lost after the probe timeout, and another goes', () => {
    const c = new CircuitBreaker({ consecutiveFailures: 1, probeTimeoutMs: 1_000 });
    c.record(0, true, false);
    expect(c.allow(30_000)).toEqual({ allowed: true, probe: true });
    expect(c.allow(30_999).allowed).toBe(false);
    expect(c.allow(31_000)).toEqual({ allowed: true, probe: true });
  });

  it('a late outcome of a call let through before the circuit opened neither closes nor reopens it', () => {
    const c = new CircuitBreaker({ consecutiveFailures: 1 });
    c.record(0, true, false);
    c.record(10, false, false); // open: ignored
    expect(c.toJSON().gate).toEqual({ state: 'open', until: 30_000, opens: 1 });
    c.allow(30_000);
    c.record(30_010, false, false); // half-open, not the probe: ignored
    c.record(30_020, true, false);
    expect(c.state).toBe('half-open');
    expect(c.allow(30_030).allowed).toBe(false); // the probe is still out
  });

  it('a failed probe reopens it for twice as long, up to the maximum; closing starts over from the first cooldown', () => {
    const c = new CircuitBreaker({ consecutiveFailures: 1, cooldownMs: 100_000, maxCooldownMs: 300_000 });
    c.record(0, true, false);
    expect(c.toJSON().gate).toEqual({ state: 'open', until: 100_000, opens: 1 });
    c.allow(100_000); c.record(100_001, true, true);
    expect(c.toJSON().gate).toEqual({ state: 'open', until: 300_001, opens: 2 });
    c.allow(300_001); c.record(300_002, true, true);
    expect(c.toJSON().gate).toEqual({ state: 'open', until: 600_002, opens: 3 }); // 400,000 capped at 300,000
    c.allow(600_002); c.record(600_003, false, true);
    expect(c.toJSON().gate).toEqual({ state: 'closed' });
    c.record(700_000, true, false);
    expect(c.toJSON().gate).toEqual({ state: 'open', until: 800_000, opens: 1 });
  });

  it('opens on an error rate over 50% once 10 calls are in the window; exactly 50% does not', () => {
    const c = new CircuitBreaker();
    feed(c, 0, [true, false, true, false, true, false, true, false, true, false]); // 5 of 10
    expect(c.state).toBe('closed');
    c.record(10, true, false); // 6 of 11
    expect(c.state).toBe('open');
    const few = new CircuitBreaker();
    feed(few, 0, [true, true, false, true, true, false, true, true, false]); // 6 of 9: too few calls to judge
    expect(few.state).toBe('closed');
  });

  it('outcomes slide out of the 60 s window; one exactly 60 s old is out', () => {
    const c = new CircuitBreaker();
    feed(c, 0, [true, true, false, true, true, false, true, true, false]); // 6 failures at 0..8
    c.record(60_000, false, false); // drops the one at 0: 5 failures of 9
    c.record(60_001, true, false); // drops the one at 1: 5 of 9
    expect(c.state).toBe('closed');
    expect(c.toJSON().outcomes.length).toBe(9);
    c.record(60_002, true, false); // drops a success at 2: 6 of 9, still fewer than 10 calls
    expect(c.state).toBe('closed');
    c.record(60_002, true, false); // 7 of 10
    expect(c.state).toBe('open');
  });

  it('its state round-trips through JSON, so a later run sees the outage', () => {
    const c = new CircuitBreaker({ consecutiveFailures: 2 });
    feed(c, 0, [true, true]);
    const again = CircuitBreaker.fromJSON(JSON.parse(JSON.stringify(c)), { consecutiveFailures: 2 });
    expect(again.allow(10)).toEqual({ allowed: false, retryAt: 30_001, state: 'open' });
    const closed = new CircuitBreaker();
    feed(closed, 0, [true, true, true, true]);
    const restored = CircuitBreaker.fromJSON(JSON.parse(JSON.stringify(closed)));
    restored.record(4, true, false);
    expect(restored.state).toBe('open'); // the 4 earlier failures counted
  });

  it('a probe out when the state was stored is forgotten: its run is over', () => {
    const c = new CircuitBreaker({ consecutiveFailures: 1 });
    c.record(0, true, false);
    c.allow(30_000);
    const stored = JSON.parse(JSON.stringify(c)) as unknown;
    expect(CircuitBreaker.fromJSON(stored).allow(30_001)).toEqual({ allowed: true, probe: true });
  });

  it('refuses stored values that are not a circuit', () => {
    expect(() => CircuitBreaker.fromJSON(null)).toThrow('circuit state: expected gate, outcomes and streak');
    expect(() => CircuitBreaker.fromJSON({ gate: { state: 'closed' }, outcomes: [[1, 'yes']], streak: 0 })).toThrow('outcomes must be [time, failed] pairs');
    expect(() => CircuitBreaker.fromJSON({ gate: { state: 'open', opens: 1 }, outcomes: [], streak: 0 })).toThrow('breaker state: unreadable');
    expect(() => CircuitBreaker.fromJSON({ gate: { state: 'half-open', opens: 0 }, outcomes: [], streak: 0 })).toThrow('opens must be a positive integer');
  });
});

describe('isCircuitFailure', () => {
  it('server errors, rate limits, timeouts and broken connections count; the request’s own faults do not', () => {
    expect([500, 502, 503, 529, 429, 408].map((s) => isCircuitFailure(s, null))).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 422, 200].map((s) => isCircuitFailure(s, null))).toEqual([false, false, false, false, false, false]);
    expect(isCircuitFailure(null, 'ECONNRESET')).toBe(true);
    expect(isCircuitFailure(null, 'UND_ERR_HEADERS_TIMEOUT')).toBe(true);
    expect(isCircuitFailure(null, 'TimeoutError')).toBe(true);
    expect(isCircuitFailure(200, 'ECONNRESET')).toBe(true); // a stream cut after the headers
    expect(isCircuitFailure(400, 'ECONNRESET')).toBe(false);
    expect(isCircuitFailure(null, 'AbortError')).toBe(false); // the script gave up, not the provider
    expect(isCircuitFailure(null, 'ENOTFOUND')).toBe(false);
    expect(isCircuitFailure(null, null)).toBe(false);
  });

  it('circuits are keyed by provider and model', () => {
    expect(circuitKey('anthropic', 'claude-sonnet-4')).toBe('anthropic:claude-sonnet-4');
  });
});
