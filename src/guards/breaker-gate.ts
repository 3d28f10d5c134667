/** How long a tripped breaker stays open, and how long its one probe may take. */
export interface GateOptions {
  /** First wait before a probe is let through; doubles each time the breaker opens again without closing. @default 30_000 */
  cooldownMs: number;
  /** The longest wait, however often it opened. @default 300_000 */
  maxCooldownMs: number;
  /**
   * A probe not reported within this time is presumed lost (its process died), and another is
   * let through; without it a lost probe would hold the breaker half-open for ever. Matches
   * the SDKs' default request timeout. @default 600_000
   */
  probeTimeoutMs: number;
}

export const DEFAULT_GATE: Readonly<GateOptions> = { cooldownMs: 30_000, maxCooldownMs: 300_000, probeTimeoutMs: 600_000 };

/** `opens`: times opened since the breaker last closed, which sets the next cooldown. */
export type GateState =
  | { state: 'closed' }
  | { state: 'open'; until: number; opens: number }
  | { state: 'half-open'; probeSince: number | null; opens: number };

export type Admission =
  | { allowed: true; probe: boolean }
  /** `retryAt`: when the cooldown ends or, while a probe is out, when it would be presumed lost; a probe's success may admit sooner. */
  | { allowed: false; retryAt: number; state: 'open' | 'half-open' };

/**
 * The open / half-open / closed cycle both breakers share: open for a cooldown that doubles
 * on each reopening, then exactly one probe, whose success closes and whose failure reopens.
 * Pure: time is passed in. What trips it is the owner's business.
 */
export class BreakerGate {
  constructor(private readonly o: GateOptions, private s: GateState = { state: 'closed' }) {}

  get state(): GateState['state'] { return this.s.state; }

  /** May a call go now? While half-open, only one probe at a time. */
  allow(now: number): Admission {
    if (this.s.state === 'open') {
      if (now < this.s.until) return { allowed: false, retryAt: this.s.until, state: 'open' };
      this.s = { state: 'half-open', probeSince: null, opens: this.s.opens };
    }
    if (this.s.state === 'half-open') {
      const { probeSince } = this.s;
      if (probeSince !== null && now < probeSince + this.o.probeTimeoutMs) return { allowed: false, retryAt: probeSince + this.o.probeTimeoutMs, state: 'half-open' };
      this.s.probeSince = now;
      return { allowed: true, probe: true };
    }
    return { allowed: true, probe: false };
  }

  /** Trips the breaker (or reopens it after a failed probe), for longer each time until it closes. */
  open(now: number): void {
    const opens = this.s.state === 'closed' ? 0 : this.s.opens;
    const cooldown = Math.min(this.o.maxCooldownMs, this.o.cooldownMs * 2 ** opens);
    this.s = { state: 'open', until: now + cooldown, opens: opens + 1 };
  }

  /** A healthy probe: closed again, and the next outage starts from the first cooldown. */
  close(): void {
    this.s = { state: 'closed' };
  }

  toJSON(): GateState {
    return structuredClone(this.s);
  }
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * Reads a stored gate state. A probe out in an earlier run can never report, so it is
 * forgotten: the first caller of this run becomes the probe.
 */
export function parseGateState(value: unknown): GateState {
  if (value === null || typeof value !== 'object' || !('state' in value)) throw new TypeError('breaker state: not an object with a state');
  if (value.state === 'closed') return { state: 'closed' };
  const opens = 'opens' in value ? value.opens : undefined;
  if (!isCount(opens)) throw new TypeError('breaker state: opens must be a positive integer');
  if (value.state === 'half-open') return { state: 'half-open', probeSince: null, opens };
  const until = 'until' in value ? value.until : undefined;
  if (value.state === 'open' && isTime(until)) return { state: 'open', until, opens };
  throw new TypeError(`breaker state: unreadable ${JSON.stringify(value)}`);
}
