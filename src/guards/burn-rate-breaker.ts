import type { Nano } from '../ledger/money.js';
import { SlidingWindow } from './sliding-window.js';
import { BreakerGate, DEFAULT_GATE, parseGateState, type Admission, type GateOptions, type GateState } from './breaker-gate.js';

export interface BurnRateOptions extends GateOptions {
  /** Spend in the window above which the agent is stopped, in nano-USD. Required: there is no sensible default. */
  limitNano: Nano;
  /** How far back spend counts; spend exactly windowMs old is out. @default 60_000 */
  windowMs: number;
  /**
   * As for a circuit, but as long as the window by default: after a shorter wait the probe
   * would be judged against the very burst that tripped the breaker. @default 60_000
   */
  cooldownMs: number;
}

export const DEFAULT_BURN_RATE: Readonly<Omit<BurnRateOptions, 'limitNano'>> = { ...DEFAULT_GATE, windowMs: 60_000, cooldownMs: 60_000 };

/** A burn-rate breaker as stored. */
export interface BurnRateSnapshot {
  gate: GateState;
  /** Spend in the window: [time, nano-USD]. */
  spend: Array<[at: number, nano: Nano]>;
}

/**
 * One agent's spending speed: trips when what it spent in the last window exceeds the limit,
 * then refuses its calls for a cooldown and lets one probe through, whose call closes the
 * breaker if the spend in the window, the probe's included, is back within the limit.
 * Pure: time is passed in.
 */
export class BurnRateBreaker {
  private readonly o: BurnRateOptions;
  private readonly gate: BreakerGate;
  private readonly spend: SlidingWindow<Nano>;

  constructor(options: Partial<BurnRateOptions> & Pick<BurnRateOptions, 'limitNano'>, snapshot?: BurnRateSnapshot) {
    this.o = { ...DEFAULT_BURN_RATE, ...options };
    if (!Number.isFinite(this.o.limitNano) || this.o.limitNano < 0) throw new RangeError(`burn-rate limit must be a non-negative amount, not ${this.o.limitNano}`);
    this.gate = new BreakerGate(this.o, snapshot?.gate);
    this.spend = new SlidingWindow<Nano>(this.o.windowMs, [(nano) => nano], snapshot?.spend ?? []);
  }

  /** Restores a stored breaker; throws a TypeError when the value is not one. */
  static fromJSON(value: unknown, options: Partial<BurnRateOptions> & Pick<BurnRateOptions, 'limitNano'>): BurnRateBreaker {
    if (value === null || typeof value !== 'object' || !('gate' in value) || !('spend' in value)) throw new TypeError('burn-rate state: expected gate and spend');
    const { gate, spend } = value;
    if (!Array.isArray(spend) || !spend.every(isSpend)) throw new TypeError('burn-rate state: spend must be [time, nano] pairs');
    return new BurnRateBreaker(options, { gate: parseGateState(gate), spend });
  }

  get state(): GateState['state'] { return this.gate.state; }

  /** The open / half-open / closed state alone (small, cheap to compare). */
  gateState(): GateState { return this.gate.toJSON(); }

  /** What the agent spent in the window ending now. */
  spent(now: number): Nano {
    this.spend.expire(now);
    return this.spend.sum(0);
  }

  /** May the agent's next call go now? */
  allow(now: number): Admission {
    return this.gate.allow(now);
  }

  /**
   * A settled call's cost. Every cost counts toward the rate, even one settling while the
   * breaker is open: the money is spent either way. `probe` is what `allow` answered.
   */
  record(now: number, costNano: Nano, probe: boolean): void {
    this.spend.expire(now);
    if (costNano > 0) this.spend.push(now, costNano);
    const over = this.spent(now) > this.o.limitNano;
    if (this.gate.state === 'half-open' && probe) {
      if (over) this.gate.open(now);
      else this.gate.close();
    } else if (this.gate.state === 'closed' && over) {
      this.gate.open(now);
    }
  }

  toJSON(): BurnRateSnapshot {
    return { gate: this.gate.toJSON(), spend: this.spend.latest(Number.MAX_SAFE_INTEGER).map(({ at, sums: [nano = 0] }): [number, Nano] => [at, nano]) };
  }
}

function isSpend(v: unknown): v is [number, Nano] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && Number.isFinite(v[0]) && typeof v[1] === 'number' && Number.isFinite(v[1]);
}
