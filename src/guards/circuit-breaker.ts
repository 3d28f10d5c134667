import { BreakerGate, DEFAULT_GATE, parseGateState, type Admission, type GateOptions, type GateState } from './breaker-gate.js';
import { isTransientFailure } from './failures.js';
import { SlidingWindow } from './sliding-window.js';

/** When a circuit opens (on top of the gate's cooldown and probe timing). */
export interface CircuitOptions extends GateOptions {
  /** Failures in a row that open the circuit. @default 5 */
  consecutiveFailures: number;
  /** Share of failed calls in the window above which it opens (with at least minCalls calls). @default 0.5 */
  errorRate: number;
  /** Calls the window must hold before the error rate counts. @default 10 */
  minCalls: number;
  /** How far back outcomes count; one exactly windowMs old is out. @default 60_000 */
  windowMs: number;
}

export const DEFAULT_CIRCUIT: Readonly<CircuitOptions> = { ...DEFAULT_GATE, consecutiveFailures: 5, errorRate: 0.5, minCalls: 10, windowMs: 60_000 };

/** How many of the latest outcomes a stored circuit keeps. */
const STORED_OUTCOMES = 1000;

/** A circuit as stored, so the next run (a later CI step) sees an outage still going on. */
export interface CircuitSnapshot {
  gate: GateState;
  /** Outcomes in the window while closed: [time, failed]. */
  outcomes: Array<[at: number, failed: boolean]>;
  /** Failures in a row. */
  streak: number;
}

/**
 * Failures that say the provider is in trouble: 5xx, 429, 408, timeouts and broken
 * connections. A request's own fault (400, 401, 403, 404, 422) is not.
 */
export function isCircuitFailure(httpStatus: number | null, errorCode: string | null): boolean {
  return isTransientFailure(httpStatus, errorCode);
}

/** The circuit a call belongs to: one per provider and model, as an outage is often one model's. */
export function circuitKey(provider: string, model: string): string {
  return `${provider}:${model}`;
}

/**
 * One circuit: closed while calls succeed; open after a run of failures or a high error rate,
 * refusing calls until a cooldown passes; then half-open, letting exactly one probe through.
 * Pure: time is passed in.
 */
export class CircuitBreaker {
  private readonly o: CircuitOptions;
  private readonly gate: BreakerGate;
  /** Outcomes in the window while closed; totals: calls, failures. */
  private readonly outcomes: SlidingWindow<boolean>;
  private streak: number;

  constructor(options: Partial<CircuitOptions> = {}, snapshot?: CircuitSnapshot) {
    this.o = { ...DEFAULT_CIRCUIT, ...options };
    this.gate = new BreakerGate(this.o, snapshot?.gate);
    this.outcomes = new SlidingWindow<boolean>(this.o.windowMs, [() => 1, (failed) => (failed ? 1 : 0)], snapshot?.outcomes ?? []);
    this.streak = snapshot?.streak ?? 0;
  }

  /** Restores a stored circuit; throws a TypeError when the value is not one. */
  static fromJSON(value: unknown, options: Partial<CircuitOptions> = {}): CircuitBreaker {
    if (value === null || typeof value !== 'object' || !('gate' in value) || !('outcomes' in value) || !('streak' in value)) throw new TypeError('circuit state: expected gate, outcomes and streak');
    const { gate, outcomes, streak } = value;
    if (!Array.isArray(outcomes) || !outcomes.every(isOutcome)) throw new TypeError('circuit state: outcomes must be [time, failed] pairs');
    if (typeof streak !== 'number' || !Number.isInteger(streak) || streak < 0) throw new TypeError('circuit state: streak must be a count');
    return new CircuitBreaker(options, { gate: parseGateState(gate), outcomes, streak });
  }

  get state(): GateState['state'] { return this.gate.state; }

  /** Failures in a row now. */
  get failureStreak(): number { return this.streak; }

  /** The open / half-open / closed state alone (small, cheap to compare). */
  gateState(): GateState { return this.gate.toJSON(); }

  /** May a call go now? Open: no, until the cooldown ends. Half-open: only the one probe. */
  allow(now: number): Admission {
    return this.gate.allow(now);
  }

  /**
   * The outcome of a call that was allowed. `probe` is what `allow` answered: outcomes of calls
   * let through before the circuit opened may come back late, and must not close it.
   */
  record(now: number, failed: boolean, probe: boolean): void {
    if (this.gate.state === 'half-open' && probe) {
      if (failed) this.gate.open(now);
      else this.gate.close();
      return;
    }
    if (this.gate.state !== 'closed') return;
    this.outcomes.expire(now);
    this.outcomes.push(now, failed);
    this.streak = failed ? this.streak + 1 : 0;
    const calls = this.outcomes.sum(0);
    const rateTrips = calls >= this.o.minCalls && this.outcomes.sum(1) / calls > this.o.errorRate;
    if (this.streak >= this.o.consecutiveFailures || rateTrips) {
      // A closed circuit starts afresh: old failures must not trip it again at once.
      this.gate.open(now);
      this.outcomes.clear();
      this.streak = 0;
    }
  }

  /** The state to store: the newest STORED_OUTCOMES outcomes are enough for the next run to judge the rate. */
  toJSON(): CircuitSnapshot {
    // The window keeps counts per millisecond; the outcomes of one millisecond are told in any order.
    const outcomes: Array<[number, boolean]> = [];
    for (const { at, sums: [calls = 0, failures = 0] } of this.outcomes.latest(STORED_OUTCOMES)) {
      for (let i = 0; i < calls; i++) outcomes.push([at, i < failures]);
    }
    return { gate: this.gate.toJSON(), outcomes: outcomes.slice(-STORED_OUTCOMES), streak: this.streak };
  }
}

function isOutcome(v: unknown): v is [number, boolean] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && Number.isFinite(v[0]) && typeof v[1] === 'boolean';
}
