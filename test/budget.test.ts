import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type BilledCall, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** What the provider billed, priced independently of wflo: gpt-4o-mini at 150 / 75 / 600 nano per token. */
function billedNano(billed: BilledCall[]): number {
  return billed.reduce((sum, b) => {
    const u = b.usage;
    return sum + (u.inputTokens - u.cachedTokens) * 150 + u.cachedTokens * 75 + u.outputTokens * 600;
  }, 0);
}

describe('the hard budget', () => {
  it('a burst of concurrent calls plus two child processes never makes the provider bill more than the budget', async () => {
    // Realistic usage (the simulator counts tokens from the request), so wflo's worst case is a true bound.
    provider = await startFakeProvider({ latencyMs: 30 });
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const report = path.join(dir, 'report.json');
    const budgetNano = 1_500_000; // $0.0015: room for about 40 of the 60 calls
    const result = await wflo(['run', path.join(FIXTURES, 'burst.mjs'), '--budget', '0.0015', '--db', db, '--report', report, '--grace', '2000', '--', '20'],
      { env: providerEnv(provider) });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('budget exceeded');

    const billed = billedNano(provider.billed);
    expect(provider.billed.length).toBeGreaterThan(0);
    expect(billed).toBeLessThanOrEqual(budgetNano);

    const { runs, calls } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'budget_exceeded', exit_code: 3, budget_nano: budgetNano });
    const charged = calls.filter((c) => c.status !== 'denied');
    const spent = charged.reduce((sum, c) => sum + c.cost_nano, 0);
    expect(runs[0]?.spent_nano).toBe(spent);
    // wflo's ledger covers everything billed (calls cut off mid-flight are charged at their reservation) and stays in budget.
    expect(spent).toBeGreaterThanOrEqual(billed);
    expect(spent).toBeLessThanOrEqual(budgetNano);
    expect(calls.filter((c) => c.status === 'ok').length).toBeLessThanOrEqual(provider.billed.length);
    expect(charged.length).toBeGreaterThanOrEqual(provider.billed.length);
    expect(calls.some((c) => c.status === 'denied')).toBe(true);
    // Calls came from more than one process.
    expect(new Set(charged.map((c) => c.pid)).size).toBeGreaterThan(1);

    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ runId: runs[0]?.id, status: 'budget_exceeded', exitCode: 3, budgetUsd: 0.0015, spentUsd: spent / 1e9, llmCalls: charged.length });
    expect(json.byModel).toEqual([{ provider: 'openai', model: 'gpt-4o-mini', calls: charged.length,
      inputTokens: charged.reduce((s, c) => s + c.input_tokens, 0), cachedInputTokens: 0,
      outputTokens: charged.reduce((s, c) => s + c.output_tokens, 0), costUsd: spent / 1e9 }]);
  });

  it('--on-budget error fails the refused calls with BudgetExceededError and lets the script finish', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 50 } });
    const db = path.join(tempDir(), 'wflo.db');
    // Each call costs 10 × 150 + 50 × 600 = 31,500 nano; its worst case is larger, so the budget refuses some.
    // --no-fit: this provider bills 50 output tokens whatever the limit, so a call must not be fitted below them.
    const result = await wflo(['run', path.join(FIXTURES, 'loop-calls.mjs'), '--budget', '0.0001', '--on-budget', 'error', '--no-fit', '--db', db, '--', '10'],
      { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as { ok: number; refused: number };
    expect(out.ok + out.refused).toBe(10);
    expect(out.ok).toBeGreaterThan(0);
    expect(out.refused).toBeGreaterThan(0);
    expect(provider.billed).toHaveLength(out.ok);
    const { runs, calls } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'completed', exit_code: 0, spent_nano: out.ok * 31_500 });
    expect(calls.filter((c) => c.status === 'denied')).toHaveLength(out.refused);
  });

  it('refuses a model with no known price, naming it and how to add one; the provider never sees the call', async () => {
    provider = await startFakeProvider();
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '1', '--db', db, '--', 'chat', 'mystery-model-9'], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(1); // the script's own exit: its SDK threw the refusal
    expect(result.stderr).toContain('no price known for model "mystery-model-9"');
    expect(result.stderr).toContain('wflo.config.json');
    expect(provider.requestCount()).toBe(0);
    const { runs, calls } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'failed', exit_code: 1, spent_nano: 0 });
    expect(calls).toMatchObject([{ status: 'denied', model: 'mystery-model-9', cost_nano: 0 }]);
  });

  it('no way around the meter: Blob bodies, sync spawns with an explicit env, stored-conversation requests', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'escape-attempts.mjs'), '--budget', '1', '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual(['blob 200', 'child called', 'unbounded 402 wflo_unbounded_cost']);
    expect(provider.billed).toHaveLength(2);
    const { calls } = readDb(db);
    expect(calls.map((c) => [c.endpoint, c.status, c.cost_nano])).toEqual([
      ['chat.completions', 'ok', 21_000], ['chat.completions', 'ok', 21_000], ['responses', 'denied', 0],
    ]);
    expect(new Set(calls.slice(0, 2).map((c) => c.pid)).size).toBe(2);
  });

  it('prices a model from wflo.config.json', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 3, outputTokens: 7 } });
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'wflo.config.json'), JSON.stringify({ prices: { 'mystery-model-9': { input_mtok: 0.0375, output_mtok: 1.5 } } }));
    const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '1', '--', 'chat', 'mystery-model-9'], { cwd: dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    // 3 × 37.5 + 7 × 1500 = 112.5 + 10,500 nano, rounded up once per call: 10,613.
    const { calls } = readDb(path.join(dir, '.wflo', 'wflo.db'));
    expect(calls).toMatchObject([{ status: 'ok', cost_nano: 10_613 }]);
  });
});
