import { DEFAULT_RETRY, type RetryOptions } from '../guards/retry-policy.js';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The run's retry policy, as the supervisor put it in the environment; the defaults when absent or unreadable. */
export function retrySettings(text: string | undefined): RetryOptions {
  if (!text) return { ...DEFAULT_RETRY };
  try {
    const v = JSON.parse(text) as Partial<Record<keyof RetryOptions, unknown>>;
    return {
      maxAttempts: isCount(v.maxAttempts) && v.maxAttempts >= 1 ? v.maxAttempts : DEFAULT_RETRY.maxAttempts,
      baseDelayMs: isCount(v.baseDelayMs) ? v.baseDelayMs : DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: isCount(v.maxDelayMs) ? v.maxDelayMs : DEFAULT_RETRY.maxDelayMs,
    };
  } catch {
    return { ...DEFAULT_RETRY };
  }
}

/** Waits `ms`, or rejects with the caller's abort reason as fetch would. */
export function pause(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason as Error); return; }
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason as Error); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
