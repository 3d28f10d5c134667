import { describe, expect, it } from 'vitest';
import { decideRetry, parseRetryAfter } from '../../src/guards/retry-policy.js';

const failed = (httpStatus: number | null, retryAfter: string | null = null, errorCode: string | null = null) => ({ httpStatus, errorCode, retryAfter });
const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('retry policy', () => {
  it('backs off exponentially with full jitter, up to the attempts allowed', () => {
    expect(decideRetry(1, failed(503), NOW, () => 0.5)).toEqual({ retry: true, delayMs: 250 }); // ceiling 500
    expect(decideRetry(2, failed(503), NOW, () => 0.999)).toEqual({ retry: true, delayMs: 999 }); // ceiling 1000
    expect(decideRetry(2, failed(null, null, 'ECONNRESET'), NOW, () => 0)).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry(3, failed(503), NOW, () => 0.5)).toEqual({ retry: false, reason: 'gave up after 3 attempts' });
  });

  it('honours retry-after (seconds or a date), never sooner; too long a wait is not waited for', () => {
    expect(decideRetry(1, failed(429, '2'), NOW, () => 0.1)).toEqual({ retry: true, delayMs: 2000 });
    expect(decideRetry(1, failed(429, new Date(NOW + 7000).toUTCString()), NOW, () => 0.1)).toEqual({ retry: true, delayMs: 7000 });
    expect(decideRetry(1, failed(429, new Date(NOW - 7000).toUTCString()), NOW, () => 0.5)).toEqual({ retry: true, delayMs: 250 });
    expect(decideRetry(1, failed(429, '60'), NOW, () => 0.5)).toEqual({ retry: false, reason: 'the provider asked to wait 60000 ms, more than the 20000 ms allowed' });
  });

  it('never retries what the request itself got wrong', () => {
    for (const status of [400, 401, 403, 404, 422]) expect(decideRetry(1, failed(status), NOW, () => 0).retry).toBe(false);
    expect(decideRetry(1, failed(null, null, 'ERR_INVALID_URL'), NOW, () => 0)).toEqual({ retry: false, reason: 'not transient (ERR_INVALID_URL)' });
  });

  it('reads retry-after', () => {
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});
