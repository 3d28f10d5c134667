import { isTransientFailure } from './failures.js';

/** How wflo retries transient failures. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 3 */
  maxAttempts: number;
  /** Backoff ceiling after the first attempt; doubles with each attempt (full jitter: a random wait up to it). @default 500 */
  baseDelayMs: number;
  /** No wait is longer; a retry-after beyond it is not waited for at all. @default 20_000 */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 20_000 };

/** What a failed attempt ended with. */
export interface AttemptOutcome {
  /** The response status; null when no response came. */
  httpStatus: number | null;
  /** A network error code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT…), when the attempt broke. */
  errorCode: string | null;
  /** The `retry-after` header: seconds or an HTTP date. */
  retryAfter: string | null;
  /** The `retry-after-ms` header OpenAI sends beside it, more precise, so preferred. */
  retryAfterMs: string | null;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/** Whether an attempt failed for a reason that may pass: 408, 429, 5xx, a broken connection, a timeout. */
export function isTransient(outcome: AttemptOutcome): boolean {
  return isTransientFailure(outcome.httpStatus, outcome.errorCode);
}

/**
 * `retry-after` as milliseconds from `now`: delta-seconds, or an HTTP date (a date already
 * past is 0). Null when absent or unreadable, so the backoff alone decides.
 */
export function parseRetryAfter(header: string | null, now: number): number | null {
  const text = header?.trim() ?? '';
  if (text === '') return null;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Only something that names a day or month is read as a date: Date.parse takes "-1" or "7 7" as years.
  if (!/[a-z]{3}/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function parseRetryAfterMs(header: string | null): number | null {
  const text = header?.trim() ?? '';
  return /^\d+(?:\.\d+)?$/.test(text) ? Math.ceil(Number(text)) : null;
}

/**
 * Decides whether a failed attempt is followed by another, and after how long: exponential
 * backoff with full jitter (AWS's "Exponential Backoff and Jitter": a uniform wait up to the
 * ceiling, so clients that failed together do not retry together), never sooner than the
 * provider's retry-after. Pure: the random source is passed in, time is passed to `decide`.
 */
export class RetryPolicy {
  private readonly o: RetryOptions;

  /** @param random uniform in [0, 1); Math.random at the outer edge, a fixed sequence in tests. */
  constructor(private readonly random: () => number, options: Partial<RetryOptions> = {}) {
    this.o = { ...DEFAULT_RETRY, ...options };
  }

  /** @param attempt the attempt that just failed, counting from 1. */
  decide(attempt: number, outcome: AttemptOutcome, now: number): RetryDecision {
    if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt counts from 1, not ${attempt}`);
    if (!isTransient(outcome)) return { retry: false, reason: `not transient (${describe(outcome)})` };
    if (attempt >= this.o.maxAttempts) return { retry: false, reason: `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (${describe(outcome)})` };
    const asked = parseRetryAfterMs(outcome.retryAfterMs) ?? parseRetryAfter(outcome.retryAfter, now);
    if (asked !== null && asked > this.o.maxDelayMs) {
      return { retry: false, reason: `the provider asked to wait ${asked} ms, more than the ${this.o.maxDelayMs} ms allowed` };
    }
    const ceiling = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.floor(this.random() * ceiling);
    return { retry: true, delayMs: Math.max(asked ?? 0, jittered) };
  }
}

function describe(o: AttemptOutcome): string {
  if (o.httpStatus !== null && o.httpStatus > 0) return `HTTP ${o.httpStatus}`;
  return o.errorCode ?? 'no status, no error code';
}
