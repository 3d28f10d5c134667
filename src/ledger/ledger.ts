import type { Nano } from './money.js';

/** A call cut to fit: its output limit per choice and the worst case at that limit. */
export interface Cut { outputTokens: number; worstCase: Nano }

/** What the budget must cover for one call, and how far the call may be cut to fit. */
export interface Demand {
  /** The call's worst case as the script wrote it. */
  full: Nano;
  /**
   * The call cut to fit `room` (a lower output limit), or null when too little output would
   * fit to be worth sending. Absent when the call cannot be cut (then it only fits whole).
   */
  cut?: (room: Nano) => Cut | null;
}

/** Why a call cannot be covered even with nothing in flight. */
export interface Refusal { spent: Nano; budget: Nano; worstCase: Nano }

export type Decision =
  /** Held; `cut` is the lowered output limit per choice, or null when the call goes as written. */
  | { kind: 'grant'; held: Nano; cut: number | null }
  /** Queued behind the money held for calls in flight; answered by a later `pump()`. */
  | { kind: 'wait' }
  | { kind: 'refuse'; refusal: Refusal };

/** A decision that is final: granted or refused. */
export type Answer = Exclude<Decision, { kind: 'wait' }>;

interface Waiting { callId: number; demand: Demand }

/**
 * The run's money: what is spent, what is held for calls in flight, and the calls waiting for
 * those holds to be released. Pure and synchronous: one event loop owns it, so every decision
 * is atomic whichever process asks.
 * Invariant: with a budget, spent + held never exceeds it through a granted reservation.
 */
export class Ledger {
  private spentNano: Nano;
  private reservedNano: Nano = 0;
  private readonly holds = new Map<number, Nano>();
  /** First come, first served: a call never overtakes one that waits before it. */
  private readonly queue: Waiting[] = [];

  /** @param budget null for no budget; @param alreadySpent money spent by earlier attempts of the run. */
  constructor(private readonly budget: Nano | null, alreadySpent: Nano = 0) {
    this.spentNano = alreadySpent;
  }

  get spent(): Nano { return this.spentNano; }
  get reserved(): Nano { return this.reservedNano; }
  get budgetNano(): Nano | null { return this.budget; }
  get inFlight(): number { return this.holds.size; }
  get waiting(): number { return this.queue.length; }

  /**
   * Decides a call: grant it now (whole, or cut to what the budget still affords), queue it
   * while only money held for calls in flight is in the way, or refuse it when it cannot fit
   * even with nothing in flight.
   */
  request(callId: number, demand: Demand): Decision {
    const sized = this.size(demand);
    if (sized.kind === 'refuse') return sized;
    if (this.queue.length === 0 && this.fitsNow(sized.held)) return this.hold(callId, sized);
    this.queue.push({ callId, demand });
    return { kind: 'wait' };
  }

  /**
   * Answers waiting calls, oldest first, after money was released or spent: each is sized
   * again against what is now spent, granted when it fits beside the holds, refused when it
   * no longer fits at all. Stops at the first that must keep waiting.
   */
  pump(): Array<{ callId: number; decision: Answer }> {
    const answered: Array<{ callId: number; decision: Answer }> = [];
    for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
      const sized = this.size(head.demand);
      if (sized.kind === 'grant' && !this.fitsNow(sized.held)) break;
      this.queue.shift();
      answered.push({ callId: head.callId, decision: sized.kind === 'grant' ? this.hold(head.callId, sized) : sized });
    }
    return answered;
  }

  /** Takes a call out of the queue (its process went away). True when it was waiting. */
  withdraw(callId: number): boolean {
    const at = this.queue.findIndex((w) => w.callId === callId);
    if (at === -1) return false;
    this.queue.splice(at, 1);
    return true;
  }

  /** Empties the queue (the run is stopping); returns the calls that were waiting. */
  withdrawAll(): number[] {
    return this.queue.splice(0).map((w) => w.callId);
  }

  /** Releases the hold and charges what the call really cost. Returns the amount charged. */
  settle(callId: number, cost: Nano): Nano {
    this.release(callId);
    this.spentNano += cost;
    return cost;
  }

  /** The call's outcome is unknown: charge its whole reservation. Returns the amount charged. */
  chargeReservation(callId: number): Nano {
    const held = this.release(callId);
    this.spentNano += held;
    return held;
  }

  /** The reservation held for a call, or undefined when it holds none. */
  heldFor(callId: number): Nano | undefined {
    return this.holds.get(callId);
  }

  /** What the call would hold if it went now, against what is spent (holds of calls in flight are released soon). */
  private size(demand: Demand): Answer {
    if (this.budget === null) return { kind: 'grant', held: demand.full, cut: null };
    const room = this.budget - this.spentNano;
    if (demand.full <= room) return { kind: 'grant', held: demand.full, cut: null };
    const cut = room > 0 ? demand.cut?.(room) ?? null : null;
    if (cut && cut.worstCase <= room) return { kind: 'grant', held: cut.worstCase, cut: cut.outputTokens };
    return { kind: 'refuse', refusal: { spent: this.spentNano, budget: this.budget, worstCase: demand.full } };
  }

  private fitsNow(amount: Nano): boolean {
    return this.budget === null || this.spentNano + this.reservedNano + amount <= this.budget;
  }

  private hold(callId: number, sized: { held: Nano; cut: number | null }): Answer {
    this.holds.set(callId, sized.held);
    this.reservedNano += sized.held;
    return { kind: 'grant', held: sized.held, cut: sized.cut };
  }

  private release(callId: number): Nano {
    const held = this.holds.get(callId) ?? 0;
    this.holds.delete(callId);
    this.reservedNano -= held;
    return held;
  }
}
