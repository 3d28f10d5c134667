import { describe, expect, it } from 'vitest';
import { RetryPolicy, parseRetryAfter, type AttemptOutcome } from '../../src/guards/retry-policy.js';

const failed = (httpStatus: number | null, retryAfter: string | null = null, errorCode: string | null = null, retryAfterMs: string | null = null): AttemptOutcome =>
  ({ httpStatus, errorCode, retryAfter, retryAfterMs });
const NOW = Date.parse('2026-11-22T12:00:00Z');
/** A random source that gives these values in turn, and fails the test if asked once more. */
const randoms = (...values: number[]) => () => {
  const next = values.shift();
  if (next === undefined) throw new Error('random source asked too often');
  return next;
};

describe('RetryPolicy', () => {
  it('backs off exponentially with full jitter: a uniform wait up to 500, 1000, … ms', () => {
    const policy = new RetryPolicy(randoms(0.5, 0.999, 0), { maxAttempts: 10 });
    expect(policy.decide(1, failed(503), NOW)).toEqual({ retry: true, delayMs: 250 }); // ceiling 500
    expect(policy.decide(2, failed(500), NOW)).toEqual({ retry: true, delayMs: 999 }); // ceiling 1000
    expect(policy.decide(3, failed(null, null, 'ECONNRESET'), NOW)).toEqual({ retry: true, delayMs: 0 });
  });

  it('the ceiling stops at maxDelayMs', () => {
    const policy = new RetryPolicy(randoms(0.5), { maxAttempts: 10 });
    expect(policy.decide(7, failed(502), NOW)).toEqual({ retry: true, delayMs: 10_000 }); // 500 × 64 = 32,000, capped at 20,000
  });

  it('stops at maxAttempts: attempt 2 of 3 is retried, attempt 3 is not', () => {
    const policy = new RetryPolicy(randoms(0.5));
    expect(policy.decide(2, failed(429), NOW)).toEqual({ retry: true, delayMs: 500 });
    expect(policy.decide(3, failed(429), NOW)).toEqual({ retry: false, reason: 'gave up after 3 attempts (HTTP 429)' });
    expect(new RetryPolicy(randoms(), { maxAttempts: 1 }).decide(1, failed(null, null, 'ETIMEDOUT'), NOW))
      .toEqual({ retry: false, reason: 'gave up after 1 attempt (ETIMEDOUT)' });
  });

  it('honours retry-after in seconds: never sooner, later when the jitter says so', () => {
    const policy = new RetryPolicy(randoms(0.1, 0.9));
    expect(policy.decide(1, failed(429, '2'), NOW)).toEqual({ retry: true, delayMs: 2_000 });
    expect(policy.decide(1, failed(429, '0'), NOW)).toEqual({ retry: true, delayMs: 450 });
  });

  it('honours retry-after as an HTTP date; a date in the past leaves the backoff alone', () => {
    const policy = new RetryPolicy(randoms(0.1, 0.5));
    expect(policy.decide(1, failed(503, new Date(NOW + 7_000).toUTCString()), NOW)).toEqual({ retry: true, delayMs: 7_000 });
    expect(policy.decide(1, failed(503, new Date(NOW - 7_000).toUTCString()), NOW)).toEqual({ retry: true, delayMs: 250 });
  });

  it('waits exactly maxDelayMs when asked to; does not retry when asked to wait longer, and says why', () => {
    const policy = new RetryPolicy(randoms(0.5));
    expect(policy.decide(1, failed(429, '20'), NOW)).toEqual({ retry: true, delayMs: 20_000 });
    expect(policy.decide(1, failed(429, '20.001'), NOW)).toEqual({ retry: false, reason: 'the provider asked to wait 20001 ms, more than the 20000 ms allowed' });
    expect(policy.decide(1, failed(429, new Date(NOW + 60_000).toUTCString()), NOW))
      .toEqual({ retry: false, reason: 'the provider asked to wait 60000 ms, more than the 20000 ms allowed' });
  });

  it('prefers retry-after-ms to retry-after', () => {
    const policy = new RetryPolicy(randoms(0));
    expect(policy.decide(1, failed(429, '2', null, '1500'), NOW)).toEqual({ retry: true, delayMs: 1_500 });
  });

  it('never retries what the request itself got wrong, and asks no randomness for it', () => {
    const policy = new RetryPolicy(randoms());
    expect([400, 401, 403, 404, 422].map((status) => policy.decide(1, failed(status, '1'), NOW))).toEqual(
      [400, 401, 403, 404, 422].map((status) => ({ retry: false, reason: `not transient (HTTP ${status})` })),
    );
    expect(policy.decide(1, failed(null, null, 'ERR_INVALID_URL'), NOW)).toEqual({ retry: false, reason: 'not transient (ERR_INVALID_URL)' });
    expect(policy.decide(1, failed(null), NOW)).toEqual({ retry: false, reason: 'not transient (no status, no error code)' });
    expect(() => policy.decide(0, failed(503), NOW)).toThrow('attempt counts from 1, not 0');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, to the millisecond', () => {
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
    expect(parseRetryAfter(' 3 ', NOW)).toBe(3_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:07 GMT', NOW)).toBe(7_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 11:59:00 GMT', NOW)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-1', NOW)).toBeNull();
    expect(parseRetryAfter('7 7', NOW)).toBeNull();
  });
});
