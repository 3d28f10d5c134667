import { describe, expect, it } from 'vitest';
import { effectiveFloor, fitOutput } from '../../src/pricing/fit.js';
import { flatRate, mtokToPico, type ModelRates } from '../../src/pricing/rates.js';

/** gpt-4o's list price: $2.50 / $1.25 cached / $10 per million tokens. */
const gpt4o: ModelRates = {
  provider: 'openai', model: 'gpt-4o', source: 'test',
  input: flatRate(mtokToPico(2.5)), cachedInput: flatRate(mtokToPico(1.25)), cacheWrite: flatRate(mtokToPico(2.5)),
  output: flatRate(mtokToPico(10)), outputLimit: 16_384,
};
const limits = { requested: 16_384, choices: 1, floor: 256, minimum: 1 };
const BUDGET = 50_000_000; // $0.05

describe('fitOutput', () => {
  it('gives the most output tokens whose worst case fits the room, to the nano', () => {
    // 300 input tokens × 2,500,000 pico = 750,000,000 pico; the room is 5e10 pico; (5e10 − 7.5e8) / 1e7 pico per token = 4,925.
    expect(fitOutput(gpt4o, 300, limits, 50_000_000, BUDGET)).toEqual({ outputTokens: 4925, worstCase: 50_000_000 });
    // One nano less of room: 4,924 tokens, worst case 49,990,000.
    expect(fitOutput(gpt4o, 300, limits, 49_999_999, BUDGET)).toEqual({ outputTokens: 4924, worstCase: 49_990_000 });
  });

  it('never gives more than the call asked for', () => {
    expect(fitOutput(gpt4o, 300, { ...limits, requested: 100 }, 50_000_000, BUDGET)).toEqual({ outputTokens: 100, worstCase: 1_750_000 });
  });

  it('shares the room between n answers', () => {
    // Two answers: 1e7 × 2 pico per token of the limit: (5e10 − 7.5e8) / 2e7 = 2,462 tokens each.
    expect(fitOutput(gpt4o, 300, { ...limits, choices: 2 }, 50_000_000, BUDGET)).toEqual({ outputTokens: 2462, worstCase: 49_990_000 });
  });

  it('refuses below the floor; on a small budget the floor is what 1% of the budget buys', () => {
    // 1% of $0.05 is 5e8 pico: 50 gpt-4o output tokens, below the configured 256.
    expect(effectiveFloor(256, 10_000_000n, BUDGET)).toBe(50);
    expect(effectiveFloor(256, 10_000_000n, 5_000_000_000)).toBe(256); // $5: 1% buys 5,000 tokens
    expect(effectiveFloor(256, 10_000_000n, 1)).toBe(1);
    // (1.3e9 − 7.5e8) / 1e7 = 55 tokens ≥ 50; (1.2e9 − 7.5e8) / 1e7 = 45 < 50.
    expect(fitOutput(gpt4o, 300, limits, 1_300_000, BUDGET)).toEqual({ outputTokens: 55, worstCase: 1_300_000 });
    expect(fitOutput(gpt4o, 300, limits, 1_200_000, BUDGET)).toBeNull();
    // A room smaller than the input alone.
    expect(fitOutput(gpt4o, 300, limits, 700_000, BUDGET)).toBeNull();
  });

  it('never goes below what the request itself needs (an Anthropic thinking budget)', () => {
    expect(fitOutput(gpt4o, 300, { ...limits, minimum: 1025 }, 10_000_000, BUDGET)).toBeNull(); // 925 tokens fit
    expect(fitOutput(gpt4o, 300, { ...limits, minimum: 925 }, 10_000_000, BUDGET)).toEqual({ outputTokens: 925, worstCase: 10_000_000 });
  });

  it('stays exact past 2^53 pico (a budget over $9,000)', () => {
    const room = 20_000_000_000_000; // $20,000
    const fit = fitOutput(gpt4o, 1, { ...limits, requested: 10_000_000_000 }, room, room);
    // (2e16 − 2.5e6) / 1e7 = 1,999,999,999.75 → 1,999,999,999 tokens.
    expect(fit?.outputTokens).toBe(1_999_999_999);
    expect(fit!.worstCase).toBeLessThanOrEqual(room);
  });
});
