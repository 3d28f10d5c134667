import { describe, expect, it } from 'vitest';
import { BurnRateBreaker } from '../../src/guards/burn-rate-breaker.js';

describe('BurnRateBreaker', () => {
  it('trips when the spend in the last minute exceeds the limit; exactly the limit is allowed', () => {
    const b = new BurnRateBreaker({ limitNano: 1_000 });
    b.record(0, 600, false);
    b.record(1_000, 400, false);
    expect(b.spent(1_000)).toBe(1_000);
    expect(b.state).toBe('closed');
    expect(b.allow(1_500)).toEqual({ allowed: true, probe: false });
    b.record(2_000, 1, false);
    expect(b.state).toBe('open');
    expect(b.allow(2_001)).toEqual({ allowed: false, retryAt: 62_000, state: 'open' });
  });

  it('spend slides out of the window; spend exactly 60 s old is out', () => {
    const b = new BurnRateBreaker({ limitNano: 1_000 });
    b.record(0, 600, false);
    b.record(60_000, 500, false);
    expect(b.spent(60_000)).toBe(500);
    expect(b.state).toBe('closed');
    expect(b.spent(59_999 + 60_000)).toBe(500);
    expect(b.spent(120_000)).toBe(0);
  });

  it('after the cooldown one probe goes, others wait; a probe within the limit closes it', () => {
    const b = new BurnRateBreaker({ limitNano: 1_000 });
    b.record(0, 1_500, false);
    expect(b.allow(60_000)).toEqual({ allowed: true, probe: true });
    expect(b.allow(60_001)).toEqual({ allowed: false, retryAt: 660_000, state: 'half-open' });
    b.record(61_000, 900, true); // the burst at 0 is out of the window: 900
    expect(b.state).toBe('closed');
    expect(b.allow(61_001)).toEqual({ allowed: true, probe: false });
  });

  it('a probe that leaves the spend over the limit reopens it for twice as long', () => {
    const b = new BurnRateBreaker({ limitNano: 1_000, cooldownMs: 10_000 });
    b.record(0, 800, false);
    b.record(1, 300, false); // 1,100: open until 10,001
    expect(b.allow(10_001)).toEqual({ allowed: true, probe: true });
    b.record(10_500, 50, true); // 1,150 in the window
    expect(b.toJSON().gate).toEqual({ state: 'open', until: 30_500, opens: 2 });
  });

  it('a call settling while the breaker is open still counts, and can keep the next probe from closing it', () => {
    const b = new BurnRateBreaker({ limitNano: 1_000, cooldownMs: 30_000 });
    b.record(0, 1_001, false);
    b.record(20_000, 700, false); // open; in flight before it tripped: spent all the same
    expect(b.spent(20_000)).toBe(1_701);
    expect(b.allow(30_000)).toEqual({ allowed: true, probe: true });
    b.record(61_000, 301, true); // 700 + 301 = 1,001 > 1,000
    expect(b.state).toBe('open');
  });

  it('its state round-trips through JSON; stored values that are not one are refused', () => {
    const b = new BurnRateBreaker({ limitNano: 1_000 });
    b.record(0, 700, false);
    const again = BurnRateBreaker.fromJSON(JSON.parse(JSON.stringify(b)), { limitNano: 1_000 });
    expect(again.spent(1)).toBe(700);
    again.record(2, 301, false);
    expect(again.state).toBe('open');
    expect(() => BurnRateBreaker.fromJSON({ gate: { state: 'closed' }, spend: [[0, '7']] }, { limitNano: 1 })).toThrow('burn-rate state: spend must be [time, nano] pairs');
    expect(() => BurnRateBreaker.fromJSON([], { limitNano: 1 })).toThrow('burn-rate state: expected gate and spend');
    expect(() => new BurnRateBreaker({ limitNano: -1 })).toThrow('burn-rate limit must be a non-negative amount, not -1');
  });
});
