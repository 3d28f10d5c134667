import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type BilledCall, type FakeProvider, type FakeRequestInfo } from '../src/simulator/server.js';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { openAiInputTokensBound } from '../src/hook/token-bound.js';
import { realInputTokens } from './helpers/real-tokens.js';
import { FIXTURES, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** List prices in nano-USD per token (input, output), priced here independently of wflo. */
const PRICES: Record<string, [number, number]> = {
  'gpt-4o': [2_500, 10_000], 'gpt-4.1': [2_000, 8_000], o3: [2_000, 8_000], 'claude-sonnet-4-20250514': [3_000, 15_000],
};

function billedNano(billed: BilledCall[]): number {
  return billed.reduce((sum, b) => {
    const [input, output] = PRICES[b.model] ?? [Number.NaN, Number.NaN];
    return sum + b.usage.inputTokens * input + b.usage.outputTokens * output;
  }, 0);
}

/** Starts the fake provider billing real token counts, and keeps the output limit each request arrived with. */
async function providerRecordingLimits(): Promise<{ limits: Array<number | undefined> }> {
  const limits: Array<number | undefined> = [];
  provider = await startFakeProvider({ usage: (info: FakeRequestInfo) => { limits.push(info.maxOutputTokens); return realInputTokens(info); } });
  return { limits };
}

interface AgentOutput { calls: number; finishes: string[]; refused: string | null }

describe('a hard budget that is also usable', () => {
  const BUDGET = 50_000_000; // $0.05
  const agents: Array<[string, string, string, string[]]> = [
    ['gpt-4o chat, no max_tokens', 'chat', 'gpt-4o', []],
    ['gpt-4.1 chat stream, no max_tokens', 'chat-stream', 'gpt-4.1', []],
    ['o3 responses, no max_output_tokens', 'responses', 'o3', []],
    ['claude-sonnet-4 with max_tokens 8192', 'anthropic', 'claude-sonnet-4-20250514', ['8192']],
  ];
  for (const [name, kind, model, extra] of agents) {
    it(`${name} at $0.05: the provider bills 95–100% of the budget, never more; exit 3`, async () => {
      const { limits } = await providerRecordingLimits();
      const dir = tempDir();
      const db = path.join(dir, 'wflo.db');
      const report = path.join(dir, 'report.json');
      const result = await wflo(['run', path.join(FIXTURES, 'agent-until-refused.mjs'), '--budget', '0.05', '--db', db, '--report', report, '--', kind, model, ...extra],
        { env: providerEnv(provider!) });
      expect(result.exitCode).toBe(3);
      const billed = billedNano(provider!.billed);
      expect(billed).toBeLessThanOrEqual(BUDGET);
      expect(billed).toBeGreaterThanOrEqual(BUDGET * 0.95);

      const { runs, calls } = readDb(db);
      expect(runs[0]).toMatchObject({ status: 'budget_exceeded', exit_code: 3, spent_nano: billed });
      const sent = calls.filter((c) => c.status !== 'denied');
      expect(sent.every((c) => c.status === 'ok')).toBe(true);
      expect(sent).toHaveLength(provider!.billed.length);
      // The last call asked for is refused: too little is left for the floor.
      expect(calls.at(-1)).toMatchObject({ status: 'denied', cost_nano: 0 });
      // Every call went with the output limit wflo set (inserted where the script set none), and it is recorded.
      const caps = sent.map((c) => (c as unknown as { output_cap: number | null }).output_cap);
      expect(caps.every((cap) => cap !== null)).toBe(true);
      expect(limits).toEqual(caps);
      // Caps shrink as the budget is spent; the last ones cut the answer short, as the provider says.
      const json = JSON.parse(fs.readFileSync(report, 'utf8')) as Record<string, number>;
      expect(json).toMatchObject({ cappedCalls: sent.length, waitedCalls: 0, spentUsd: billed / 1e9 });
      expect(json.budgetUsedPct).toBe(Math.floor((billed * 10_000) / BUDGET) / 100);
      expect(result.stderr).toContain('fitted to the budget: output limited to');
      const status = await wflo(['status', runs[0]!.id, '--db', db, '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({ cappedCalls: sent.length, waitedCalls: 0, refusedCalls: 1, budgetUsedPct: json.budgetUsedPct });
    });
  }

  it('--budget 5 with gpt-4.1 and no max_tokens: the run completes', async () => {
    provider = await startFakeProvider({ usage: realInputTokens });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'loop-no-max.mjs'), '--budget', '5', '--db', db, '--', '5', 'gpt-4.1'], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    const { runs, calls } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'completed', spent_nano: billedNano(provider.billed) });
    expect(calls.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
});

describe('waiting for calls in flight', () => {
  it('a concurrent burst from the script and two child processes at $0.25: 90–100% billed, never more; waits are shown; exit 3', async () => {
    provider = await startFakeProvider({ usage: realInputTokens, latencyMs: 5 });
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const report = path.join(dir, 'report.json');
    const budget = 250_000_000;
    const result = await wflo(['run', path.join(FIXTURES, 'burst-agents.mjs'), '--budget', '0.25', '--db', db, '--report', report, '--grace', '3000', '--', '6'],
      { env: providerEnv(provider), timeoutMs: 90_000 });
    expect(result.exitCode).toBe(3);
    const billed = billedNano(provider.billed);
    expect(billed).toBeLessThanOrEqual(budget);
    expect(billed).toBeGreaterThanOrEqual(budget * 0.9);
    const { runs, calls } = readDb(db);
    const sent = calls.filter((c) => c.status !== 'denied');
    // Calls the stop cut off mid-flight are charged at their reservation: the ledger covers the bill and stays in budget.
    expect(runs[0]?.spent_nano).toBeGreaterThanOrEqual(billed);
    expect(runs[0]?.spent_nano).toBeLessThanOrEqual(budget);
    expect(sent.filter((c) => c.status === 'ok')).toHaveLength(provider.billed.length);
    expect(new Set(sent.map((c) => c.pid)).size).toBe(3);
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as Record<string, number>;
    expect(json.waitedCalls).toBeGreaterThan(0);
    expect(json.waitedCalls).toBe(calls.filter((c) => (c as unknown as { waited_ms: number | null }).waited_ms !== null && c.status !== 'denied').length);
    expect(result.stderr).toContain('waits for budget');
  });
});

describe('fitting, and its alternatives', () => {
  it('--no-fit refuses a call whose worst case does not fit, as before: nothing is sent', async () => {
    provider = await startFakeProvider({ usage: realInputTokens });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'agent-until-refused.mjs'), '--budget', '0.05', '--no-fit', '--db', db, '--', 'chat', 'gpt-4o'],
      { env: providerEnv(provider) });
    expect(result.exitCode).toBe(3);
    expect(provider.requestCount()).toBe(0);
    const { calls } = readDb(db);
    expect(calls).toMatchObject([{ status: 'denied', cost_nano: 0 }]);
    expect(result.stderr).toMatch(/budget exceeded: a gpt-4o call could cost up to \$\d+\.\d+, and \$0\.00 of the \$0\.0500 budget is spent/);
  });

  it('--on-budget error: the refusal reaches the script once the budget is nearly all used, and the script carries on', async () => {
    provider = await startFakeProvider({ usage: realInputTokens });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'agent-until-refused.mjs'), '--budget', '0.05', '--on-budget', 'error', '--db', db, '--', 'chat', 'gpt-4o'],
      { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as AgentOutput;
    expect(out.calls).toBe(provider.billed.length);
    expect(out.refused).toMatch(/budget exceeded: \$0\.000\d+ of the \$0\.0500 budget is left, too little for a gpt-4o call with at least 50 output tokens/);
    // The last calls were cut short by the limit wflo set, and the script saw it as the provider says it.
    expect(out.finishes.at(-1)).toBe('length');
    expect(billedNano(provider.billed)).toBeGreaterThanOrEqual(50_000_000 * 0.95);
    const { runs } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'completed', exit_code: 0, spent_nano: billedNano(provider.billed) });
  });

  it('--fit-floor sets the floor; a bad value is one line and exit 2', async () => {
    provider = await startFakeProvider({ usage: realInputTokens });
    const db = path.join(tempDir(), 'wflo.db');
    const bad = await wflo(['run', path.join(FIXTURES, 'loop-no-max.mjs'), '--fit-floor', '0', '--db', db], { env: providerEnv(provider) });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['wflo: --fit-floor must be a whole number of output tokens (1 or more), got "0"']);
    const result = await wflo(['run', path.join(FIXTURES, 'agent-until-refused.mjs'), '--budget', '0.05', '--fit-floor', '40', '--on-budget', 'error', '--db', db, '--', 'chat', 'gpt-4o'],
      { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as AgentOutput;
    expect(out.refused).toContain('too little for a gpt-4o call with at least 40 output tokens');
    const { calls } = readDb(db);
    const caps = calls.filter((c) => c.status === 'ok').map((c) => (c as unknown as { output_cap: number }).output_cap);
    expect(Math.min(...caps)).toBeGreaterThanOrEqual(40);
  });
});

describe('stored responses the run has seen', () => {
  it('previous_response_id and item_reference are bounded by what wflo saw; an id it never saw is refused', async () => {
    // Every response: 1,000 input and 100 output tokens.
    provider = await startFakeProvider({ usage: { inputTokens: 1000, outputTokens: 100 } });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'stored-responses.mjs'), '--budget', '1', '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as { r1: string; item: string; ok: string[]; unseen: string };
    expect(out.ok).toEqual(['completed', 'completed']);
    expect(out.unseen).toBe('402 wflo_unbounded_cost');
    expect(provider.billed).toHaveLength(3);
    const { calls } = readDb(db);
    expect(calls.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'denied']);
    // gpt-4o-mini: 150,000 pico per input token, 600,000 per output token; the bound is the body's bytes plus what the reference brings in.
    const worst = (bytes: number, context: number): number => Math.ceil(((bytes + context) * 150_000 + 200 * 600_000) / 1000);
    const body2 = JSON.stringify({ model: 'gpt-4o-mini', previous_response_id: out.r1, input: 'And wind?', max_output_tokens: 200 });
    const body3 = JSON.stringify({ model: 'gpt-4o-mini', input: [{ type: 'item_reference', id: out.item }, { role: 'user', content: 'Shorter.' }], max_output_tokens: 200 });
    // A previous response brings in at most its input and output (1,100); one of its output items, at most its output (100).
    expect(calls[1]?.reserved_nano).toBe(worst(Buffer.byteLength(body2), 1100));
    expect(calls[2]?.reserved_nano).toBe(worst(Buffer.byteLength(body3), 100));
    expect(result.stderr).toContain('it continues stored content ("resp_never_seen_by_wflo") that wflo did not see in this run');
  });
});

describe('the journal keys a fitted call by the request as the script wrote it', () => {
  it('a resumed run replays a call that was fitted to the budget, though it would not be fitted now', async () => {
    provider = await startFakeProvider({ usage: realInputTokens });
    const db = path.join(tempDir(), 'wflo.db');
    const first = await wflo(['run', path.join(FIXTURES, 'fitted-then-crash.mjs'), '--budget', '0.01', '--db', db], { env: { ...providerEnv(provider), CRASH: '1' } });
    expect(first.exitCode).toBe(1);
    const runId = readDb(db).runs[0]!.id;
    const resumed = await wflo(['resume', runId, '--budget', '1', '--db', db], { env: providerEnv(provider) });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toBe(`${first.stdout}\ndone`);
    expect(provider.billed).toHaveLength(1);
    const { calls } = readDb(db);
    expect(calls.map((c) => [c.status, c.cost_nano === 0])).toEqual([['ok', false], ['replayed', true]]);
    expect((calls[0] as unknown as { output_cap: number | null }).output_cap).not.toBeNull();
  });
});

describe('an exact input count when the byte bound is what keeps a call from fitting', () => {
  it('a dense prompt refused on its bytes goes on its exact token count, reserved to the nano', async () => {
    provider = await startFakeProvider({ usage: realInputTokens });
    const content = '请用三段话总结电网规模电池储能的现状，并说明其成本、寿命与安全方面的权衡。'.repeat(20);
    const body = { model: 'gpt-4o', max_tokens: 50, messages: [{ role: 'user', content }] };
    const exact = openAiInputTokensBound('chat.completions', body, (t) => countTokens(t, { disallowedSpecial: new Set() }))!;
    const bytes = Buffer.byteLength(JSON.stringify(body));
    // gpt-4o: 2,500,000 pico per input token, 10,000,000 per output token.
    const worst = (input: number): number => Math.ceil((input * 2_500_000 + 50 * 10_000_000) / 1000);
    expect(worst(bytes)).toBeGreaterThan(2 * worst(exact));
    const budget = (worst(exact) + worst(bytes)) / 2 / 1e9;
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'dense-prompt.mjs'), '--budget', String(budget), '--no-fit', '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    const { calls } = readDb(db);
    expect(calls.map((c) => [c.status, c.reserved_nano])).toEqual([['ok', worst(exact)]]);
    // The provider billed no more input than the bound.
    expect(provider.billed[0]!.usage.inputTokens).toBeLessThanOrEqual(exact);
  });
});
