import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { overrideNotices, rejectZeroPrices } from '../../src/pricing/override-notices.js';
import { loadOutputLimits, type OutputLimits } from '../../src/pricing/output-limits.js';
import { PriceBook, type PriceOverrides } from '../../src/pricing/price-book.js';

let limits: OutputLimits;
beforeAll(() => { limits = loadOutputLimits(); });

describe('overrides of catalogue models', () => {
  it('a price that shadows the catalogue\'s is told in one line, with both prices', () => {
    const book = new PriceBook({ 'gpt-4o': { input_mtok: 0.5, output_mtok: 1 } }, limits);
    expect(book.notices()).toEqual([
      { key: 'gpt-4o', message: 'price of gpt-4o from wflo.config.json: $0.5/M input, $1/M output (catalogue: $2.5/M, $10/M)' },
    ]);
  });

  it('a provider:model key, and cache prices when only they differ', () => {
    expect(overrideNotices({ 'openai:gpt-4.1': { input_mtok: 2, output_mtok: 8, cache_read_mtok: 1 } }, limits)).toEqual([{
      key: 'openai:gpt-4.1',
      message: 'price of openai:gpt-4.1 from wflo.config.json: $2/M input, $8/M output, $1/M cached input, $2/M cache write '
        + '(catalogue: $2/M input, $8/M output, $0.5/M cached input, $2/M cache write)',
    }]);
  });

  it('a max_output_tokens below the catalogue\'s is told too; one above it, or the same prices, are not', () => {
    const same = { input_mtok: 2.5, output_mtok: 10, cache_read_mtok: 1.25 };
    expect(overrideNotices({
      'gpt-4o': { ...same, max_output_tokens: 1000 },
      'gpt-4o-mini': { input_mtok: 0.15, output_mtok: 0.6, cache_read_mtok: 0.075, max_output_tokens: 20_000 },
    }, limits)).toEqual([{ key: 'gpt-4o', message: 'output limit of gpt-4o from wflo.config.json: 1000 tokens (catalogue: 16384)' }]);
  });

  it('models the catalogue does not know, and Object.prototype names, are not overrides', () => {
    expect(overrideNotices({ 'house-model': { input_mtok: 1, output_mtok: 2, max_output_tokens: 10 } }, limits)).toEqual([]);
    expect(overrideNotices(JSON.parse('{"__proto__": {"input_mtok": 0, "output_mtok": 0}, "constructor": {"input_mtok": 1, "output_mtok": 1}}') as PriceOverrides, limits)).toEqual([]);
  });
});

describe('zero prices', () => {
  it('a 0 price for a catalogue model is refused in one line naming the entry', () => {
    const attempt = () => rejectZeroPrices({ 'gpt-4o': { input_mtok: 0, output_mtok: 10 } }, 'wflo.config.json');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('wflo.config.json: prices."gpt-4o" sets a price of 0 for a model the catalogue prices at $2.5/M input, $10/M output, '
      + 'which would make its calls free under a budget; add "allowZero": true to the entry if that is meant');
    expect(() => rejectZeroPrices({ 'anthropic:claude-sonnet-4': { input_mtok: 3, output_mtok: 0 } }, 'f')).toThrow('prices."anthropic:claude-sonnet-4" sets a price of 0');
  });

  it('allowZero accepts it; a 0 price for a model the catalogue does not know is fine', () => {
    expect(() => rejectZeroPrices({ 'gpt-4o': { input_mtok: 0, output_mtok: 0, allowZero: true } }, 'f')).not.toThrow();
    expect(() => rejectZeroPrices({ 'my-local-llama': { input_mtok: 0, output_mtok: 0 } }, 'f')).not.toThrow();
    expect(() => rejectZeroPrices(JSON.parse('{"constructor": {"input_mtok": 0, "output_mtok": 0}}') as PriceOverrides, 'f')).not.toThrow();
  });
});
