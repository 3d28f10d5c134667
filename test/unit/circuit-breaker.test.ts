import { describe, expect, it } from 'vitest';
import { CircuitBreaker, DEFAULT_CIRCUIT, isCircuitFailure } from '../../src/guards/circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after 5 consecutive failures, refuses until the cooldown, then lets exactly one probe through', () => {
    const c = new CircuitBreaker();
    for (let i = 0; i < 4; i++) { expect(c.allow(i)).toEqual({ allowed: true, probe: false }); c.record(i, true); }
    expect(c.state).toBe('closed');
    c.record(4, true);
    expect(c.state).toBe('open');
    expect(c.allow(5)).toEqual({ allowed: false, retryAt: 30_004 });
    expect(c.allow(30_003)).toEqual({ allowed: false, retryAt: 30_004 });
    expect(c.allow(30_004)).toEqual({ allowed: true, probe: true });
    // A second caller while the probe is out is refused.
    expect(c.allow(30_005).allowed).toBe(false);
    c.record(30_010, false);
    expect(c.state).toBe('closed');
    expect(c.allow(30_011)).toEqual({ allowed: true, probe: false });
  });

  it('a failed probe opens it again for twice as long, up to the maximum', () => {
    const c = new CircuitBreaker({ ...DEFAULT_CIRCUIT, consecutiveFailures: 1, cooldownMs: 100_000, maxCooldownMs: 300_000 });
    c.record(0, true);
    expect(c.toJSON()).toEqual({ state: 'open', until: 100_000, opens: 1 });
    c.allow(100_000); c.record(100_001, true);
    expect(c.toJSON()).toEqual({ state: 'open', until: 300_001, opens: 2 });
    c.allow(300_001); c.record(300_002, true);
    expect(c.toJSON()).toEqual({ state: 'open', until: 600_002, opens: 3 }); // 400,000 capped at 300,000
  });

  it('opens on an error rate over the threshold once enough calls are in the window; old outcomes slide out', () => {
    const c = new CircuitBreaker();
    // Alternating: never 5 in a row; 5 of 10 is not over 50%.
    for (let i = 0; i < 10; i++) c.record(i * 1000, i % 2 === 0);
    expect(c.state).toBe('closed');
    c.record(10_000, true); // 6 of 11
    expect(c.state).toBe('open');
    const slid = new CircuitBreaker();
    for (let i = 0; i < 9; i++) slid.record(i, i % 3 !== 0); // 6 failures of 9: not enough calls yet
    slid.record(70_000, false); // the 9 earlier ones are out of the 60 s window
    expect(slid.state).toBe('closed');
  });

  it('its state round-trips through JSON, so a later run sees the outage', () => {
    const c = new CircuitBreaker({ ...DEFAULT_CIRCUIT, consecutiveFailures: 2 });
    c.record(0, true); c.record(1, true);
    const again = new CircuitBreaker(DEFAULT_CIRCUIT, JSON.parse(JSON.stringify(c)));
    expect(again.allow(10)).toEqual({ allowed: false, retryAt: 30_001 });
  });

  it('what counts as a failure', () => {
    expect([500, 503, 429, 408].map((s) => isCircuitFailure(s, null))).toEqual([true, true, true, true]);
    expect([400, 401, 403, 404, 422, 200].map((s) => isCircuitFailure(s, null))).toEqual([false, false, false, false, false, false]);
    expect(isCircuitFailure(null, 'ECONNRESET')).toBe(true);
    expect(isCircuitFailure(0, 'UND_ERR_CONNECT_TIMEOUT')).toBe(true);
    expect(isCircuitFailure(null, null)).toBe(false);
  });
});
