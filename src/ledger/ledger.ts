import type { Nano } from './money.js';

export type ReserveResult =
  | { granted: true }
  | { granted: false; spent: Nano; reserved: Nano; budget: Nano; worstCase: Nano };

/**
 * The run's money: what is spent and what is held for calls in flight. Pure and synchronous:
 * one event loop owns it, so each reservation is atomic whichever process asks.
 * Invariant: with a budget, spent + reserved never exceeds it through a granted reservation.
 */
export class Ledger {
  private spentNano: Nano;
  private reservedNano: Nano = 0;
  private readonly holds = new Map<number, Nano>();

  /** @param budget null for no budget; @param alreadySpent money spent by earlier attempts of the run. */
  constructor(private readonly budget: Nano | null, alreadySpent: Nano = 0) {
    this.spentNano = alreadySpent;
  }

  get spent(): Nano { return this.spentNano; }
  get reserved(): Nano { return this.reservedNano; }
  get budgetNano(): Nano | null { return this.budget; }
  get inFlight(): number { return this.holds.size; }

  /** Holds `worstCase` for call `callId` if the budget can cover it. */
  reserve(callId: number, worstCase: Nano): ReserveResult {
    if (this.budget !== null && this.spentNano + this.reservedNano + worstCase > this.budget) {
      return { granted: false, spent: this.spentNano, reserved: this.reservedNano, budget: this.budget, worstCase };
    }
    this.holds.set(callId, worstCase);
    this.reservedNano += worstCase;
    return { granted: true };
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

  private release(callId: number): Nano {
    const held = this.holds.get(callId) ?? 0;
    this.holds.delete(callId);
    this.reservedNano -= held;
    return held;
  }
}
