/** How wflo retries transient failures. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 3 */
  maxAttempts: number;
  /** First backoff ceiling; doubles each attempt (full jitter: a random wait up to it). @default 500 */
  baseDelayMs: number;
  /** No wait is longer; a retry-after beyond it is not waited for. @default 20_000 */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 20_000 };

/** What a failed attempt ended with. */
export interface AttemptOutcome {
  httpStatus: number | null;
  /** A network error code (ECONNRESET, a timeout), when there was no response. */
  errorCode: string | null;
  /** The response's retry-after header, if any. */
  retryAfter: string | null;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

const TRANSIENT_CODES = /^(?:ECONNRESET|ETIMEDOUT|EPIPE|ECONNREFUSED|EAI_AGAIN|UND_ERR_(?:SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT))$/;

/** Failures worth another attempt: rate limits, server errors, timeouts, broken connections. */
export function isTransient(o: AttemptOutcome): boolean {
  if (o.httpStatus !== null && o.httpStatus > 0) return o.httpStatus === 429 || o.httpStatus === 408 || o.httpStatus >= 500;
  return o.errorCode !== null && TRANSIENT_CODES.test(o.errorCode);
}

/** retry-after as milliseconds from now: seconds, or an HTTP date (a date in the past is 0). Null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(header)) return Math.ceil(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Whether attempt `attempt` (1-based) is followed by another, and after how long: exponential
 * backoff with full jitter (`random` in [0, 1) is passed in), never sooner than retry-after.
 */
export function decideRetry(attempt: number, outcome: AttemptOutcome, now: number, random: () => number, o: RetryOptions = DEFAULT_RETRY): RetryDecision {
  if (!isTransient(outcome)) return { retry: false, reason: `not transient (${outcome.httpStatus ?? outcome.errorCode ?? 'unknown'})` };
  if (attempt >= o.maxAttempts) return { retry: false, reason: `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}` };
  const asked = parseRetryAfter(outcome.retryAfter, now);
  if (asked !== null && asked > o.maxDelayMs) return { retry: false, reason: `the provider asked to wait ${asked} ms, more than the ${o.maxDelayMs} ms allowed` };
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return { retry: true, delayMs: Math.min(o.maxDelayMs, Math.max(asked ?? 0, jittered)) };
}
