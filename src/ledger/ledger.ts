import type { Nano } from './money.js';

/** A call cut to fit: its output limit per choice and the worst case at that limit. */
export interface Cut { outputTokens: number; worstCase: Nano }

/** What the budget must cover for one call, and how far the call may be cut to fit. */
export interface Demand {
  /** The call's worst case as the script wrote it. */
  full: Nano;
  /**
   * The call cut to fit `room` (a lower output limit) of a purse with `budget`, or null when too
   * little output would fit to be worth sending. Absent when the call cannot be cut (then it only fits whole).
   */
  cut?: (room: Nano, budget: Nano) => Cut | null;
}

/** Why a call cannot be covered even with nothing in flight: the run's budget, or its agent's (`agent` set). */
export interface Refusal { spent: Nano; budget: Nano; worstCase: Nano; agent: string | null }

export type Decision =
  /** Held; `cut` is the lowered output limit per choice, or null when the call goes as written. */
  | { kind: 'grant'; held: Nano; cut: number | null }
  /** Queued behind the money held for calls in flight; answered by a later `pump()`. */
  | { kind: 'wait' }
  | { kind: 'refuse'; refusal: Refusal };

/** A decision that is final: granted or refused. */
export type Answer = Exclude<Decision, { kind: 'wait' }>;

/** Money with a budget: the run's, or one agent's. */
interface Purse { agent: string | null; budget: Nano; spent: Nano; reserved: Nano }

interface Waiting { callId: number; demand: Demand; purses: Purse[] }
interface Hold { amount: Nano; purses: Purse[] }

/**
 * The run's money: what is spent, what is held for calls in flight, and the calls waiting for
 * those holds to be released; and the same for each agent with a budget of its own, so a call
 * is held against both. Pure and synchronous: one event loop owns it, so every decision is
 * atomic whichever process asks.
 * Invariant: for every budget, spent + held never exceeds it through a granted reservation.
 */
export class Ledger {
  private runSpent: Nano;
  private runReserved: Nano = 0;
  private readonly run: Purse | null;
  private readonly agents = new Map<string, Purse>();
  private readonly holds = new Map<number, Hold>();
  /** Money lent to processes to grant their own calls (by connection): held like a call's until drawn or repaid. */
  private readonly loans = new Map<number, Nano>();
  private lentTotal: Nano = 0;
  /** First come, first served among calls that share a budget: a call never overtakes one that waits for the same money. */
  private readonly queue: Waiting[] = [];

  /**
   * @param budget null for no budget; @param alreadySpent money spent by earlier attempts of the run.
   * @param agentBudgets budgets of agents, with what each spent in earlier attempts.
   */
  constructor(private readonly budget: Nano | null, alreadySpent: Nano = 0, agentBudgets: ReadonlyMap<string, { budget: Nano; spent: Nano }> = new Map()) {
    this.runSpent = alreadySpent;
    this.run = budget === null ? null : { agent: null, budget, spent: alreadySpent, reserved: 0 };
    for (const [agent, b] of agentBudgets) this.agents.set(agent, { agent, budget: b.budget, spent: b.spent, reserved: 0 });
  }

  get spent(): Nano { return this.runSpent; }
  get reserved(): Nano { return this.runReserved; }
  get budgetNano(): Nano | null { return this.budget; }
  get inFlight(): number { return this.holds.size; }
  /** Of what is reserved, the part lent to processes and not yet drawn by their calls. */
  get lent(): Nano { return this.lentTotal; }
  get waiting(): number { return this.queue.length; }

  /** An agent's budget and spend, when it has a budget. */
  agentPurse(agent: string): { budget: Nano; spent: Nano } | undefined {
    const purse = this.agents.get(agent);
    return purse ? { budget: purse.budget, spent: purse.spent } : undefined;
  }

  /** What the tightest budget over a call of `agent` has left beside what is spent (holds aside), or null with no budget. */
  room(agent: string | null): Nano | null {
    const purses = this.pursesOf(agent);
    return purses.length === 0 ? null : Math.min(...purses.map((p) => p.budget - p.spent));
  }

  /** True when some budget (the run's or the agent's) constrains the call. */
  budgeted(agent: string | null): boolean {
    return this.run !== null || (agent !== null && this.agents.has(agent));
  }

  /**
   * Decides a call: grant it now (whole, or cut to what the budgets still afford), queue it
   * while only money held for calls in flight is in the way, or refuse it when it cannot fit
   * even with nothing in flight.
   */
  request(callId: number, demand: Demand, agent: string | null = null): Decision {
    const purses = this.pursesOf(agent);
    const sized = this.size(demand, purses);
    if (sized.kind === 'refuse') return sized;
    const queuedAhead = this.queue.some((w) => w.purses.some((p) => purses.includes(p)));
    if (!queuedAhead && this.fitsNow(sized.held, purses)) return this.hold(callId, sized, purses);
    this.queue.push({ callId, demand, purses });
    return { kind: 'wait' };
  }

  /**
   * Answers waiting calls, oldest first, after money was released or spent: each is sized
   * again against what is now spent, granted when it fits beside the holds, refused when it
   * no longer fits at all. A call that must keep waiting holds back later calls on the same budgets.
   */
  pump(): Array<{ callId: number; decision: Answer }> {
    const answered: Array<{ callId: number; decision: Answer }> = [];
    const blocked = new Set<Purse>();
    for (let i = 0; i < this.queue.length;) {
      const entry = this.queue[i]!;
      if (entry.purses.some((p) => blocked.has(p))) { for (const p of entry.purses) blocked.add(p); i++; continue; }
      const sized = this.size(entry.demand, entry.purses);
      if (sized.kind === 'grant' && !this.fitsNow(sized.held, entry.purses)) { for (const p of entry.purses) blocked.add(p); i++; continue; }
      this.queue.splice(i, 1);
      answered.push({ callId: entry.callId, decision: sized.kind === 'grant' ? this.hold(entry.callId, sized, entry.purses) : sized });
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

  /**
   * Lends a process up to `amount` of the run budget's free money (beside what is spent and
   * held), to grant calls without asking; nothing while calls wait. Returns what was lent.
   * Only the run's purse is lent: calls of agents with budgets of their own are always asked for.
   */
  lend(borrower: number, amount: Nano): Nano {
    if (!this.run || this.queue.length > 0) return 0;
    const lent = Math.min(amount, this.run.budget - this.run.spent - this.run.reserved);
    if (lent <= 0) return 0;
    this.loans.set(borrower, (this.loans.get(borrower) ?? 0) + lent);
    this.lentTotal += lent;
    this.run.reserved += lent;
    this.runReserved += lent;
    return lent;
  }

  /** What a process holds of the run's money to grant calls with. */
  loanOf(borrower: number): Nano {
    return this.loans.get(borrower) ?? 0;
  }

  /** A process gives back (part of) its loan; the money is free again. */
  repay(borrower: number, amount: Nano): void {
    const loan = this.loans.get(borrower) ?? 0;
    const repaid = Math.min(loan, Math.max(0, amount));
    if (loan - repaid > 0) this.loans.set(borrower, loan - repaid); else this.loans.delete(borrower);
    this.lentTotal -= repaid;
    if (!this.run) return;
    this.run.reserved -= repaid;
    this.runReserved -= repaid;
  }

  /**
   * A call a process granted itself: `amount` moves from its loan to the call's hold. With no
   * run budget nothing was lent and the call just holds `amount`. A process that drew more than
   * it was lent (never, from a sound hook) still has its call held: it was sent.
   */
  adopt(callId: number, amount: Nano, borrower: number): void {
    const purses = this.run ? [this.run] : [];
    const loan = this.loans.get(borrower) ?? 0;
    const drawn = Math.min(loan, amount);
    if (loan - drawn > 0) this.loans.set(borrower, loan - drawn); else this.loans.delete(borrower);
    this.lentTotal -= drawn;
    const extra = amount - drawn;
    this.holds.set(callId, { amount, purses });
    this.runReserved += extra;
    for (const p of purses) p.reserved += extra;
  }

  /** Releases the hold and charges what the call really cost. Returns the amount charged. */
  settle(callId: number, cost: Nano): Nano {
    const purses = this.release(callId);
    this.charge(purses, cost);
    return cost;
  }

  /** The call's outcome is unknown: charge its whole reservation. Returns the amount charged. */
  chargeReservation(callId: number): Nano {
    const held = this.holds.get(callId)?.amount ?? 0;
    this.charge(this.release(callId), held);
    return held;
  }

  /** The reservation held for a call, or undefined when it holds none. */
  heldFor(callId: number): Nano | undefined {
    return this.holds.get(callId)?.amount;
  }

  private pursesOf(agent: string | null): Purse[] {
    const purses: Purse[] = [];
    if (this.run) purses.push(this.run);
    const own = agent === null ? undefined : this.agents.get(agent);
    if (own) purses.push(own);
    return purses;
  }

  /** What the call would hold if it went now, against what is spent (holds of calls in flight are released soon). */
  private size(demand: Demand, purses: Purse[]): Answer {
    let tightest: Purse | undefined;
    for (const p of purses) if (!tightest || p.budget - p.spent < tightest.budget - tightest.spent) tightest = p;
    if (!tightest) return { kind: 'grant', held: demand.full, cut: null };
    const room = tightest.budget - tightest.spent;
    if (demand.full <= room) return { kind: 'grant', held: demand.full, cut: null };
    const cut = room > 0 ? demand.cut?.(room, tightest.budget) ?? null : null;
    if (cut && cut.worstCase <= room) return { kind: 'grant', held: cut.worstCase, cut: cut.outputTokens };
    return { kind: 'refuse', refusal: { spent: tightest.spent, budget: tightest.budget, worstCase: demand.full, agent: tightest.agent } };
  }

  private fitsNow(amount: Nano, purses: Purse[]): boolean {
    return purses.every((p) => p.spent + p.reserved + amount <= p.budget);
  }

  private hold(callId: number, sized: { held: Nano; cut: number | null }, purses: Purse[]): Answer {
    this.holds.set(callId, { amount: sized.held, purses });
    this.runReserved += sized.held;
    for (const p of purses) p.reserved += sized.held;
    return { kind: 'grant', held: sized.held, cut: sized.cut };
  }

  private release(callId: number): Purse[] {
    const hold = this.holds.get(callId);
    if (!hold) return [];
    this.holds.delete(callId);
    this.runReserved -= hold.amount;
    for (const p of hold.purses) p.reserved -= hold.amount;
    return hold.purses;
  }

  private charge(purses: Purse[], cost: Nano): void {
    this.runSpent += cost;
    for (const p of purses) p.spent += cost;
  }
}
