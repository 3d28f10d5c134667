import { describe, expect, it } from 'vitest';
import { Ledger, type Demand } from '../../src/ledger/ledger.js';

/** A call that only goes whole. */
const whole = (full: number): Demand => ({ full });
/** A call that may be cut: `perToken` nano per output token on top of `input`, at least `floor` tokens. */
const cuttable = (input: number, perToken: number, tokens: number, floor: number): Demand => ({
  full: input + perToken * tokens,
  cut: (room) => {
    const fit = Math.floor((room - input) / perToken);
    return fit >= floor ? { outputTokens: Math.min(fit, tokens), worstCase: input + perToken * Math.min(fit, tokens) } : null;
  },
});

describe('Ledger', () => {
  it('grants while spent + held + worst case fits the budget, exactly to the nano', () => {
    const ledger = new Ledger(1000);
    expect(ledger.request(1, whole(600))).toEqual({ kind: 'grant', held: 600, cut: null });
    expect(ledger.request(2, whole(400))).toEqual({ kind: 'grant', held: 400, cut: null });
    expect(ledger.spent + ledger.reserved).toBe(1000);
    expect(ledger.settle(1, 250)).toBe(250);
    expect(ledger.spent).toBe(250);
    expect(ledger.reserved).toBe(400);
    expect(ledger.request(3, whole(350))).toEqual({ kind: 'grant', held: 350, cut: null });
    expect(ledger.spent + ledger.reserved).toBe(1000);
  });

  it('a call that fits beside what is spent but not beside what is held waits, and is granted when the hold is released', () => {
    const ledger = new Ledger(1000);
    ledger.request(1, whole(700));
    expect(ledger.request(2, whole(500))).toEqual({ kind: 'wait' });
    expect(ledger.waiting).toBe(1);
    expect(ledger.pump()).toEqual([]); // nothing released yet
    ledger.settle(1, 100);
    expect(ledger.pump()).toEqual([{ callId: 2, decision: { kind: 'grant', held: 500, cut: null } }]);
    expect(ledger.waiting).toBe(0);
    expect(ledger.spent + ledger.reserved).toBe(600);
  });

  it('refuses at once only what cannot fit even with nothing in flight', () => {
    const ledger = new Ledger(1000, 300);
    ledger.request(1, whole(600));
    expect(ledger.request(2, whole(701))).toEqual({ kind: 'refuse', refusal: { spent: 300, budget: 1000, worstCase: 701, agent: null } });
    expect(ledger.request(3, whole(700))).toEqual({ kind: 'wait' });
  });

  it('waiting calls are answered first come, first served: a small call never overtakes a big one', () => {
    const ledger = new Ledger(1000);
    ledger.request(1, whole(600));
    ledger.request(2, whole(300));
    expect(ledger.request(3, whole(900))).toEqual({ kind: 'wait' });
    // 100 is free, and call 4 would fit in it, but it queues behind call 3.
    expect(ledger.request(4, whole(50))).toEqual({ kind: 'wait' });
    ledger.settle(2, 0);
    expect(ledger.pump()).toEqual([]); // 400 free: call 3 still does not fit, so call 4 waits too
    ledger.settle(1, 0);
    expect(ledger.pump()).toEqual([
      { callId: 3, decision: { kind: 'grant', held: 900, cut: null } },
      { callId: 4, decision: { kind: 'grant', held: 50, cut: null } },
    ]);
  });

  it('a waiting call is sized again when it is answered: refused if the calls before it spent the room', () => {
    const ledger = new Ledger(1000);
    ledger.request(1, whole(600));
    expect(ledger.request(2, whole(500))).toEqual({ kind: 'wait' });
    ledger.request(3, whole(0)); // behind call 2
    ledger.settle(1, 600); // call 1 used all it held: 400 left, call 2 can no longer fit
    expect(ledger.pump()).toEqual([
      { callId: 2, decision: { kind: 'refuse', refusal: { spent: 600, budget: 1000, worstCase: 500, agent: null } } },
      { callId: 3, decision: { kind: 'grant', held: 0, cut: null } },
    ]);
  });

  it('cuts a call to what is left of the budget (not counting holds), and refuses below the floor', () => {
    const ledger = new Ledger(10_000);
    // 100 nano of input + 10 nano per token × 2,000 tokens = 20,100: more than the budget.
    expect(ledger.request(1, cuttable(100, 10, 2000, 50))).toEqual({ kind: 'grant', held: 10_000, cut: 990 });
    // The room is sized against what is spent: the cut call waits for the first call's hold.
    expect(ledger.request(2, cuttable(100, 10, 2000, 50))).toEqual({ kind: 'wait' });
    ledger.settle(1, 9_000);
    // 1,000 left: (1,000 − 100) / 10 = 90 tokens.
    expect(ledger.pump()).toEqual([{ callId: 2, decision: { kind: 'grant', held: 1_000, cut: 90 } }]);
    ledger.settle(2, 500);
    // 500 left: 40 tokens, below the floor of 50.
    expect(ledger.request(3, cuttable(100, 10, 2000, 50))).toEqual({ kind: 'refuse', refusal: { spent: 9_500, budget: 10_000, worstCase: 20_100, agent: null } });
  });

  it('withdraws waiting calls one by one (their process went away) or all at once (the run stops)', () => {
    const ledger = new Ledger(100);
    ledger.request(1, whole(100));
    ledger.request(2, whole(60));
    ledger.request(3, whole(60));
    ledger.request(4, whole(60));
    expect(ledger.withdraw(3)).toBe(true);
    expect(ledger.withdraw(3)).toBe(false);
    expect(ledger.withdrawAll()).toEqual([2, 4]);
    ledger.settle(1, 0);
    expect(ledger.pump()).toEqual([]);
  });

  it('charges a whole reservation when the outcome is unknown', () => {
    const ledger = new Ledger(1000);
    ledger.request(7, whole(300));
    expect(ledger.chargeReservation(7)).toBe(300);
    expect(ledger.spent).toBe(300);
    expect(ledger.reserved).toBe(0);
    expect(ledger.inFlight).toBe(0);
  });

  it('has no limit without a budget, and counts earlier spending', () => {
    const ledger = new Ledger(null, 5);
    expect(ledger.request(1, whole(Number.MAX_SAFE_INTEGER / 2))).toEqual({ kind: 'grant', held: Number.MAX_SAFE_INTEGER / 2, cut: null });
    expect(ledger.settle(1, 10)).toBe(10);
    expect(ledger.spent).toBe(15);
  });

  it('settling an unknown call holds nothing back', () => {
    const ledger = new Ledger(100);
    ledger.settle(42, 5);
    expect(ledger.reserved).toBe(0);
    expect(ledger.spent).toBe(5);
  });
});

describe('Ledger with agent budgets', () => {
  it('holds a call against its agent\'s budget and the run\'s; an agent over its own is refused by name, others go on', () => {
    const ledger = new Ledger(10_000, 0, new Map([['researcher', { budget: 1_000, spent: 0 }]]));
    expect(ledger.request(1, whole(600), 'researcher')).toEqual({ kind: 'grant', held: 600, cut: null });
    // 600 held of the researcher's 1,000: it waits, though the run has room.
    expect(ledger.request(2, whole(500), 'researcher')).toEqual({ kind: 'wait' });
    // Another agent does not queue behind it on its own budget… but shares the run's, so it waits its turn there.
    expect(ledger.request(3, whole(100), 'writer')).toEqual({ kind: 'wait' });
    ledger.settle(1, 600);
    expect(ledger.pump()).toEqual([
      { callId: 2, decision: { kind: 'refuse', refusal: { spent: 600, budget: 1_000, worstCase: 500, agent: 'researcher' } } },
      { callId: 3, decision: { kind: 'grant', held: 100, cut: null } },
    ]);
    expect(ledger.agentPurse('researcher')).toEqual({ budget: 1_000, spent: 600 });
    expect(ledger.spent).toBe(600);
  });

  it('without a run budget, agents queue only behind their own calls', () => {
    const ledger = new Ledger(null, 0, new Map([['a', { budget: 1_000, spent: 0 }]]));
    expect(ledger.request(1, whole(900), 'a').kind).toBe('grant');
    expect(ledger.request(2, whole(900), 'a').kind).toBe('wait');
    expect(ledger.request(3, whole(5_000), 'b')).toEqual({ kind: 'grant', held: 5_000, cut: null });
    expect(ledger.request(4, whole(5_000), null)).toEqual({ kind: 'grant', held: 5_000, cut: null });
    expect(ledger.room('a')).toBe(1_000);
    expect(ledger.room('b')).toBeNull();
  });

  it('cuts a call to what its agent\'s budget affords, with that budget for the floor', () => {
    const ledger = new Ledger(1_000_000, 0, new Map([['a', { budget: 5_000, spent: 4_000 }]]));
    const seen: Array<[number, number]> = [];
    const demand: Demand = { full: 20_100, cut: (room, budget) => { seen.push([room, budget]); return { outputTokens: 90, worstCase: 1_000 }; } };
    expect(ledger.request(1, demand, 'a')).toEqual({ kind: 'grant', held: 1_000, cut: 90 });
    expect(seen).toEqual([[1_000, 5_000]]);
  });
});
