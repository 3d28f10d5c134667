/** When a circuit opens and how it recovers. */
export interface CircuitOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  consecutiveFailures: number;
  /** Share of failures in the window that opens it (with at least minCalls calls). @default 0.5 */
  errorRate: number;
  /** @default 10 */
  minCalls: number;
  /** @default 60_000 */
  windowMs: number;
  /** First wait before a probe; doubles each time the circuit opens again. @default 30_000 */
  cooldownMs: number;
  /** @default 300_000 */
  maxCooldownMs: number;
}

export const DEFAULT_CIRCUIT: CircuitOptions = {
  consecutiveFailures: 5, errorRate: 0.5, minCalls: 10, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 300_000,
};

/** A circuit's state as stored, so the next run (a later CI step) sees an outage still going on. */
export type CircuitState =
  | { state: 'closed'; outcomes: Array<[at: number, failed: boolean]>; streak: number; opens: number }
  | { state: 'open'; until: number; opens: number }
  | { state: 'half-open'; probeOut: boolean; opens: number };

export type Admission = { allowed: true; probe: boolean } | { allowed: false; retryAt: number };

/** Failures that say the provider is in trouble: server errors, rate limits, timeouts, broken connections. A request's own fault is not. */
export function isCircuitFailure(httpStatus: number | null, errorCode: string | null): boolean {
  if (httpStatus !== null && httpStatus > 0) return httpStatus >= 500 || httpStatus === 429 || httpStatus === 408;
  return errorCode !== null;
}

/**
 * One circuit (provider:model): closed while calls succeed; open after a run of failures or
 * a high error rate, refusing calls until a cooldown passes; then half-open, letting exactly
 * one probe through, whose success closes it and whose failure opens it again for longer.
 * Pure: time is passed in.
 */
export class CircuitBreaker {
  private s: CircuitState;

  constructor(private readonly o: CircuitOptions = DEFAULT_CIRCUIT, state?: CircuitState) {
    this.s = state ?? { state: 'closed', outcomes: [], streak: 0, opens: 0 };
  }

  get state(): CircuitState['state'] { return this.s.state; }

  /** May a call go now? While half-open, only the one probe. */
  allow(now: number): Admission {
    if (this.s.state === 'open') {
      if (now < this.s.until) return { allowed: false, retryAt: this.s.until };
      this.s = { state: 'half-open', probeOut: false, opens: this.s.opens };
    }
    if (this.s.state === 'half-open') {
      if (this.s.probeOut) return { allowed: false, retryAt: now + this.o.cooldownMs };
      this.s.probeOut = true;
      return { allowed: true, probe: true };
    }
    return { allowed: true, probe: false };
  }

  /** The outcome of a call that was allowed. */
  record(now: number, failed: boolean): void {
    if (this.s.state === 'half-open') {
      if (failed) this.open(now, this.s.opens);
      else this.s = { state: 'closed', outcomes: [], streak: 0, opens: this.s.opens };
      return;
    }
    if (this.s.state === 'open') return;
    const outcomes = [...this.s.outcomes.filter(([at]) => at > now - this.o.windowMs), [now, failed] as [number, boolean]];
    const streak = failed ? this.s.streak + 1 : 0;
    const failures = outcomes.filter(([, f]) => f).length;
    if (streak >= this.o.consecutiveFailures || (outcomes.length >= this.o.minCalls && failures / outcomes.length > this.o.errorRate)) {
      this.open(now, this.s.opens);
      return;
    }
    this.s = { state: 'closed', outcomes, streak, opens: this.s.opens };
  }

  toJSON(): CircuitState { return this.s; }

  private open(now: number, opens: number): void {
    const cooldown = Math.min(this.o.maxCooldownMs, this.o.cooldownMs * 2 ** opens);
    this.s = { state: 'open', until: now + cooldown, opens: opens + 1 };
  }
}
