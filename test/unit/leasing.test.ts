import { describe, expect, it } from 'vitest';
import { Lease } from '../../src/hook/lease.js';
import type { LlmRequest } from '../../src/hook/providers/types.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { flatRate, worstCaseOf, type ModelRates } from '../../src/pricing/rates.js';
import type { LeaseMessage, RecallMessage } from '../../src/protocol/messages.js';
import { LeaseDesk } from '../../src/supervisor/lease-desk.js';

/** gpt-4o-mini: $0.15 / $0.60 per million tokens, 16,384 output tokens at most. */
const MINI: ModelRates = {
  provider: 'openai', model: 'gpt-4o-mini', source: 'test', input: flatRate(150_000), cachedInput: flatRate(75_000),
  cacheWrite: flatRate(150_000), output: flatRate(600_000), outputLimit: 16_384, outputLimitSource: 'test',
};

function request(o: Partial<LlmRequest> = {}): LlmRequest {
  return {
    provider: 'openai', endpoint: 'chat.completions', model: 'gpt-4o-mini', stream: false, inputTokensMax: 1000, outputTokensMax: 100,
    choices: 1, unbounded: null, refs: [], minOutputTokens: 1, capped: (max) => `{"max_tokens":${max}}`, body: '{}', json: {}, ...o,
  } as LlmRequest;
}

const lease = (o: Partial<LeaseMessage>): LeaseMessage => ({ type: 'lease', rid: 0, add: 0, models: [], central: [], paused: false, ...o });

describe('the hook\'s lease', () => {
  it('grants a call that fits the credit, holding the worst case the supervisor would hold, to the nano', () => {
    const l = new Lease();
    const worst = worstCaseOf(MINI, 1000, 100);
    expect(worst).toBe(210_000); // 1,000 × 150,000 + 100 × 600,000 pico
    l.apply(lease({ add: 2 * worst, models: [{ provider: 'openai', model: 'gpt-4o-mini', rates: MINI }] }));
    expect(l.take(request(), null)).toEqual({ held: worst, sentLimit: null });
    expect(l.take(request(), null)).toEqual({ held: worst, sentLimit: null });
    // The credit is used up: the third is asked for.
    expect(l.take(request(), null)).toBeNull();
    expect(l.recall()).toBe(0);
  });

  it('asks for what it cannot price or bound: unknown models, stored context, agents with their own limits, and everything while paused or after a failure', () => {
    const l = new Lease();
    expect(l.take(request(), null)).toBeNull(); // no lease yet
    l.apply(lease({ add: 1e12, models: [{ provider: 'openai', model: 'gpt-4o-mini', rates: MINI }], central: ['writer'] }));
    expect(l.take(request({ model: 'gpt-4.1' }), null)).toBeNull();
    expect(l.take(request({ refs: ['resp_1'] }), null)).toBeNull();
    expect(l.take(request({ unbounded: 'a file id' }), null)).toBeNull();
    expect(l.take(request(), 'writer')).toBeNull();
    expect(l.take(request(), 'reader')).not.toBeNull();
    l.stumble();
    expect(l.take(request(), null)).toBeNull();
    l.recovered();
    expect(l.take(request(), null)).not.toBeNull();
    // Overlapping calls are granted here too (their starts wake nobody), as long as the credit lasts.
    expect(l.take(request(), null)).not.toBeNull();
    expect(l.take(request(), null)).not.toBeNull();
    l.apply(lease({ paused: true }));
    expect(l.take(request(), null)).toBeNull();
  });

  it('under a budget, a request with no output limit is held at the model\'s and sent with it; with no budget nothing is held back', () => {
    const l = new Lease();
    l.apply(lease({ add: 1e12, models: [{ provider: 'openai', model: 'gpt-4o-mini', rates: MINI }] }));
    expect(l.take(request({ outputTokensMax: null }), null)).toEqual({ held: worstCaseOf(MINI, 1000, 16_384), sentLimit: 16_384 });
    const unlimited = new Lease();
    unlimited.apply(lease({ add: null, models: [{ provider: 'openai', model: 'gpt-4o-mini', rates: MINI }] }));
    unlimited.apply(lease({ add: 0 })); // a later lease never turns no budget into a limit
    for (let i = 0; i < 1000; i++) expect(unlimited.take(request({ outputTokensMax: null }), null)?.sentLimit).toBeNull();
  });

  it('asks for a request its agent sent lately, and for the call after a response that repeats a tool call: a loop is the supervisor\'s to see first', () => {
    const l = new Lease();
    l.apply(lease({ add: 1e12, models: [{ provider: 'openai', model: 'gpt-4o-mini', rates: MINI }] }));
    expect(l.take(request(), 'a', 'f1')).not.toBeNull();
    expect(l.take(request(), 'a', 'f1')).toBeNull();
    expect(l.take(request(), 'b', 'f1')).not.toBeNull(); // another agent's
    expect(l.take(request(), 'a', 'f2')).not.toBeNull();
    l.answered('a', [{ name: 'search', args: '{"q": "x"}' }]);
    expect(l.take(request(), 'a', 'f3')).not.toBeNull();
    l.answered('a', [{ name: 'search', args: '{"q":"x"}' }]); // the same call, spaced otherwise
    expect(l.take(request(), 'a', 'f4')).toBeNull();
    expect(l.take(request(), 'a', 'f5')).not.toBeNull();
    // With the guards off (no fingerprint) nothing is remembered.
    expect(l.take(request(), 'c')).not.toBeNull();
    expect(l.take(request(), 'c')).not.toBeNull();
  });

  it('gives back exactly what it did not use', () => {
    const l = new Lease();
    l.apply(lease({ add: 1_000_000, models: [{ provider: 'openai', model: 'gpt-4o-mini', rates: MINI }] }));
    const g = l.take(request(), null);
    expect(l.recall()).toBe(1_000_000 - g!.held);
    expect(l.take(request(), null)).toBeNull(); // paused by the recall, until the next lease
  });
});

describe('loans in the ledger', () => {
  it('a loan is held like a call: spent + held never exceeds the budget, and what a process draws moves to its call', () => {
    const ledger = new Ledger(1000);
    expect(ledger.lend(1, 600)).toBe(600);
    expect(ledger.lend(2, 600)).toBe(400); // only what is free
    expect(ledger.lend(3, 1)).toBe(0);
    expect(ledger.spent + ledger.reserved).toBe(1000);
    ledger.adopt(10, 250, 1);
    expect(ledger.loanOf(1)).toBe(350);
    expect(ledger.heldFor(10)).toBe(250);
    expect(ledger.spent + ledger.reserved).toBe(1000);
    ledger.settle(10, 100);
    ledger.repay(1, 350);
    ledger.repay(2, 400);
    expect(ledger.lent).toBe(0);
    expect({ spent: ledger.spent, reserved: ledger.reserved }).toEqual({ spent: 100, reserved: 0 });
  });

  it('a call that waits is not overtaken by new loans, and is granted once loans come back', () => {
    const ledger = new Ledger(1000);
    ledger.lend(1, 900);
    expect(ledger.request(5, { full: 300 })).toEqual({ kind: 'wait' });
    expect(ledger.lend(2, 100)).toBe(0);
    ledger.repay(1, 900);
    expect(ledger.pump()).toEqual([{ callId: 5, decision: { kind: 'grant', held: 300, cut: null } }]);
  });
});

describe('the lease desk', () => {
  function desk(budget: number | null, paused = () => false) {
    const ledger = new Ledger(budget);
    const sent: Array<[number, LeaseMessage | RecallMessage]> = [];
    const d = new LeaseDesk({ ledger, post: (c, m) => sent.push([c, m]), central: ['writer'], paused });
    return { ledger, sent, d };
  }

  it('lends a process that called its share of the free money, with the prices it learnt, and tops it up below half', () => {
    const { ledger, sent, d } = desk(1_000_000);
    d.learned(1, MINI);
    d.review();
    expect(sent).toEqual([[1, { type: 'lease', rid: 0, add: 500_000, models: [{ provider: 'openai', model: 'gpt-4o-mini', rates: MINI }], central: ['writer'], paused: false }]]);
    d.review();
    expect(sent).toHaveLength(1); // nothing new to say
    ledger.adopt(7, 300_000, 1);
    ledger.settle(7, 300_000);
    d.review(); // loan 200,000, share (1,000,000 - 300,000) / 2 = 350,000: not below half of it yet
    expect(sent).toHaveLength(1);
    ledger.adopt(8, 150_000, 1);
    ledger.settle(8, 150_000);
    d.review(); // loan 50,000, share 275,000: topped up to it
    expect(sent[1]?.[1]).toMatchObject({ add: 225_000, models: [] });
    expect(ledger.spent + ledger.reserved).toBeLessThanOrEqual(1_000_000);
  });

  it('recalls every loan when a call waits, and lends again once nothing waits', () => {
    const { ledger, sent, d } = desk(1_000_000);
    d.learned(1, MINI);
    d.learned(2, MINI);
    d.review();
    expect(ledger.request(9, { full: 800_000 })).toEqual({ kind: 'wait' });
    d.review();
    expect(sent.slice(2)).toEqual([[1, { type: 'recall', rid: 0 }], [2, { type: 'recall', rid: 0 }]]);
    d.returned(1, ledger.loanOf(1));
    d.returned(2, ledger.loanOf(2));
    expect(ledger.pump()).toHaveLength(1);
    ledger.settle(9, 100_000);
    d.review();
    expect(sent.slice(4).map(([, m]) => m)).toMatchObject([{ type: 'lease', paused: false }, { type: 'lease', paused: false }]);
  });

  it('pauses every process while a guard must see calls first, and says "no limit" once when there is no budget', () => {
    let paused = false;
    const { sent, d } = desk(null, () => paused);
    d.learned(1, MINI);
    d.review();
    d.review();
    expect(sent.map(([, m]) => m)).toMatchObject([{ type: 'lease', add: null, paused: false }]);
    paused = true;
    d.review();
    expect(sent[1]?.[1]).toMatchObject({ type: 'lease', add: 0, paused: true });
  });
});
