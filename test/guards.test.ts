import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlite } from '../src/store/sqlite.js';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, providerEnv, readDb, tempDir, wflo, withConfig } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** Rows of a guard table, read with plain SQL. */
function rows<T>(db: string, sql: string): T[] {
  const handle = new (sqlite())(db, { readonly: true });
  try { return handle.prepare(sql).all() as T[]; } finally { handle.close(); }
}

interface GuardCall { seq: number; status: string; http_status: number | null; agent: string | null; retry_of: number | null; try_number: number; cost_nano: number }
const callsOf = (db: string): GuardCall[] => rows<GuardCall>(db, 'SELECT seq, status, http_status, agent, retry_of, try_number, cost_nano FROM llm_calls ORDER BY seq');

describe('per-agent budgets', () => {
  it('an agent over its own budget gets BudgetExceededError with its figures; the other agent and the run go on', async () => {
    // Every call bills 10 input and 20 output tokens of gpt-4o-mini: 10 × 150 + 20 × 600 = 13,500 nano.
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const report = path.join(dir, 'report.json');
    const result = await wflo(['run', path.join(FIXTURES, 'agents-budgets.mjs'), '--agent-budget', 'researcher=0.0001', '--agent-budget', 'writer=0.001',
      '--no-fit', '--db', db, '--report', report, '--', '8'],
      { env: providerEnv(provider) });
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, { ok: number; refused: number; last: unknown }>;
    const researcher = out.researcher!;
    expect(researcher.ok + researcher.refused).toBe(8);
    expect(researcher.ok).toBeGreaterThan(0);
    expect(researcher.refused).toBeGreaterThan(0);
    expect(researcher.last).toEqual({ agent: 'researcher', spentUsd: researcher.ok * 13_500 / 1e9, budgetUsd: 0.0001 });
    expect(out.writer).toEqual({ ok: 8, refused: 0, last: null });

    const calls = callsOf(db);
    const spentBy = (agent: string): number => calls.filter((c) => c.agent === agent && c.status !== 'denied').reduce((s, c) => s + c.cost_nano, 0);
    expect(spentBy('researcher')).toBe(researcher.ok * 13_500);
    expect(spentBy('researcher')).toBeLessThanOrEqual(100_000);
    expect(spentBy('writer')).toBe(8 * 13_500);
    expect(calls.filter((c) => c.status === 'denied').map((c) => c.agent)).toEqual(Array(researcher.refused).fill('researcher'));
    // What the provider billed is what wflo recorded, to the nano.
    expect(provider.billed.length).toBe(researcher.ok + 8);
    expect(readDb(db).runs[0]).toMatchObject({ status: 'completed', exit_code: 0, spent_nano: (researcher.ok + 8) * 13_500 });

    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as { byAgent: unknown };
    expect(json.byAgent).toEqual([
      { agent: 'writer', calls: 8, costUsd: 8 * 13_500 / 1e9, budgetUsd: 0.001 },
      { agent: 'researcher', calls: researcher.ok, costUsd: researcher.ok * 13_500 / 1e9, budgetUsd: 0.0001 },
    ]);
  });

  it('a resumed run keeps its agents\' budgets and what they spent: the researcher has nothing left to spend', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const db = path.join(tempDir(), 'wflo.db');
    const first = await wflo(['run', path.join(FIXTURES, 'agents-budgets.mjs'), '--agent-budget', 'researcher=0.0001', '--no-fit', '--db', db, '--', '8'], { env: providerEnv(provider) });
    const before = (JSON.parse(first.stdout) as Record<string, { ok: number }>).researcher!.ok;
    const runId = readDb(db).runs[0]!.id;
    // No journal: the researcher's calls are asked for again, not replayed, and meet its budget.
    const resumed = await wflo(['resume', runId, '--db', db, '--no-fit', '--no-journal'], { env: providerEnv(provider) });
    expect(resumed.exitCode).toBe(0);
    const out = JSON.parse(resumed.stdout) as Record<string, { ok: number; refused: number; last: { spentUsd: number } | null }>;
    expect(out.researcher).toMatchObject({ ok: 0, refused: 8, last: { spentUsd: before * 13_500 / 1e9 } });
    expect(out.writer).toMatchObject({ ok: 8, refused: 0 });
  });

  it('with --on-budget stop given, an agent over its budget stops the run (exit 3)', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'agents-budgets.mjs'), '--agent-budget', 'researcher=0.0001', '--on-budget', 'stop', '--no-fit', '--db', db, '--', '8'],
      { env: providerEnv(provider) });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('agent "researcher" budget exceeded');
    expect(readDb(db).runs[0]).toMatchObject({ status: 'budget_exceeded', exit_code: 3 });
    // The writer never started.
    expect(callsOf(db).every((c) => c.agent === 'researcher')).toBe(true);
  });
});

describe('loop detection', () => {
  it('a stuck tool loop is warned about at 5 repeats and stopped at 6: the provider bills 6 calls, exit 4', async () => {
    provider = await startFakeProvider();
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'tool-loop.mjs'), '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('warning: loop: agent "researcher" asked for the same tool call with the same arguments ("search") 5 times');
    expect(result.stderr).toContain('loop detected: agent "researcher" asked for the same tool call with the same arguments ("search") 6 times');
    expect(provider.billed.length).toBe(6);
    expect(readDb(db).runs[0]).toMatchObject({ status: 'loop_detected', exit_code: 4 });
    const asked = rows<{ name: string; args: string; agent: string; call_seq: number }>(db, "SELECT name, args, agent, call_seq FROM tool_calls WHERE source = 'model' ORDER BY id");
    expect(asked).toEqual([1, 2, 3, 4, 5, 6].map((seq) => ({ name: 'search', args: '{"query":"find the wflo docs"}', agent: 'researcher', call_seq: seq })));
  });

  it('--on-loop error: the next call fails with LoopDetectedError { pattern, repeats } and nothing more is billed', async () => {
    provider = await startFakeProvider();
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'tool-loop.mjs'), '--on-loop', 'error', '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ calls: 6, loop: { pattern: 'repeated-tool', repeats: 6, agent: 'researcher', isError: true } });
    expect(provider.billed.length).toBe(6);
    const wrapped = rows<{ name: string; ok: number; agent: string }>(db, "SELECT name, ok, agent FROM tool_calls WHERE source = 'wrapped' ORDER BY id");
    expect(wrapped).toEqual(Array(6).fill({ name: 'search', ok: 1, agent: 'researcher' }));
    expect(callsOf(db).at(-1)).toMatchObject({ seq: 7, status: 'denied', agent: 'researcher' });

    const runId = readDb(db).runs[0]!.id;
    const status = await wflo(['status', runId, '--json', '--db', db]);
    const json = JSON.parse(status.stdout) as { byAgent: unknown; tools: Array<Record<string, unknown>>; deadLetters: number };
    expect(json.byAgent).toMatchObject([{ agent: 'researcher', calls: 6, budgetUsd: null }]);
    expect(json.tools).toMatchObject([{ name: 'search', asked: 6, runs: 6, succeeded: 6, failed: 0, successRate: 1 }]);
    expect(json.tools[0]!.medianMs).toBeGreaterThan(0);
    expect(json.deadLetters).toBe(0);
    const text = await wflo(['status', runId, '--db', db]);
    expect(text.stdout).toMatch(/│ search\s+│ 6\s+│ 6\s+│ 100%/);
  });
});

describe('a repeated request', () => {
  it('the same request asked again after each answer (only `user` differs) is warned about at 5 and stopped at 6: 5 billed, exit 4', async () => {
    provider = await startFakeProvider();
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'same-request.mjs'), '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('warning: loop: the script sent the same request 5 times');
    expect(result.stderr).toContain('loop detected: the script sent the same request 6 times, after a warning');
    expect(provider.billed.length).toBe(5);
    expect(callsOf(db).map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'denied']);
  });
});

describe('retries and the dead-letter list', () => {
  it('a call failing with 429 (retry-after 0) then 500 succeeds on wflo\'s third attempt, with the SDK\'s retries off; every attempt recorded', async () => {
    provider = await startFakeProvider({
      usage: { inputTokens: 10, outputTokens: 20 },
      failWith: (seq) => (seq === 1 ? { status: 429, retryAfter: '0' } : seq === 2 ? { status: 500 } : undefined),
    });
    const dir = withConfig({ retry: { baseDelayMs: 5 } });
    const report = path.join(dir, 'report.json');
    const result = await wflo(['run', path.join(FIXTURES, 'failing-calls.mjs'), '--db', 'w.db', '--report', report, '--', '1'], { cwd: dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: 1, failed: 0, circuitOpen: 0 });
    expect(provider.requestCount()).toBe(3);
    expect(callsOf(path.join(dir, 'w.db'))).toEqual([
      { seq: 1, status: 'error', http_status: 429, agent: null, retry_of: null, try_number: 1, cost_nano: 0 },
      { seq: 2, status: 'error', http_status: 500, agent: null, retry_of: 1, try_number: 2, cost_nano: 0 },
      { seq: 3, status: 'ok', http_status: 200, agent: null, retry_of: 1, try_number: 3, cost_nano: 13_500 },
    ]);
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toMatchObject({ retriedCalls: 2, deadLetters: 0, llmCalls: 3, spentUsd: 13_500 / 1e9 });
  });

  it('a 404 is not retried, and is no dead letter', async () => {
    provider = await startFakeProvider({ failWith: () => ({ status: 404 }) });
    const dir = withConfig({ retry: { baseDelayMs: 5 } });
    const result = await wflo(['run', path.join(FIXTURES, 'failing-calls.mjs'), '--db', 'w.db', '--', '2'], { cwd: dir, env: providerEnv(provider) });
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: 0, failed: 2, statuses: ['404', '404'] });
    expect(provider.requestCount()).toBe(2);
    expect(rows(path.join(dir, 'w.db'), 'SELECT * FROM dead_letters')).toEqual([]);
  });
});

describe('circuit breakers', () => {
  it('30 calls to a failing model: the provider sees the 5 failures that open the circuit, the rest fail at once; the next run still finds it open', async () => {
    provider = await startFakeProvider({ failWith: () => ({ status: 500 }) });
    const dir = withConfig({ retry: { baseDelayMs: 5 } });
    const db = path.join(dir, 'w.db');
    const result = await wflo(['run', path.join(FIXTURES, 'failing-calls.mjs'), '--db', 'w.db', '--', '30'], { cwd: dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    // Call 1: three attempts, given up. Call 2: two attempts open the circuit; its third is refused. Calls 3-30: refused at once.
    expect(JSON.parse(result.stdout)).toEqual({ ok: 0, circuitOpen: 29, failed: 1, statuses: ['500', ...Array(29).fill('open')],
      circuit: { circuit: 'openai:gpt-4o-mini', retryAtIsDate: true } });
    expect(provider.requestCount()).toBe(5);
    expect(result.stderr).toContain('circuit openai:gpt-4o-mini opened after repeated failures');
    const letters = rows<{ first_seq: number; last_seq: number; attempts: number; http_status: number | null; model: string; summary: string; error: string }>(db,
      'SELECT first_seq, last_seq, attempts, http_status, model, summary, error FROM dead_letters ORDER BY id');
    expect(letters.map(({ summary, error, ...rest }) => rest)).toEqual([
      { first_seq: 1, last_seq: 3, attempts: 3, http_status: 500, model: 'gpt-4o-mini' },
      { first_seq: 4, last_seq: 5, attempts: 2, http_status: null, model: 'gpt-4o-mini' },
    ]);
    expect(JSON.parse(letters[0]!.summary)).toEqual({ model: 'gpt-4o-mini', messages: 1, lastRole: 'user', last: 'call 0' });
    expect(letters[0]!.error).toBe('HTTP 500: gave up after 3 attempts (HTTP 500)');
    const circuit = rows<{ name: string; state: string }>(db, 'SELECT name, state FROM circuits');
    expect(circuit).toEqual([{ name: 'openai:gpt-4o-mini', state: 'open' }]);

    // A later CI step: the outage is still on; nothing reaches the provider.
    const again = await wflo(['run', path.join(FIXTURES, 'failing-calls.mjs'), '--db', 'w.db', '--', '3'], { cwd: dir, env: providerEnv(provider) });
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: 0, circuitOpen: 3, failed: 0 });
    expect(provider.requestCount()).toBe(5);

    const listed = await wflo(['circuits', '--json', '--db', 'w.db'], { cwd: dir });
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'openai:gpt-4o-mini', kind: 'provider', state: 'open', lastError: 'HTTP 500' }]);
    const dlq = await wflo(['dlq', '--json', '--db', 'w.db'], { cwd: dir });
    expect((JSON.parse(dlq.stdout) as Array<{ attempts: number; summary: unknown }>).map((d) => [d.attempts, d.summary])).toEqual([
      [2, { model: 'gpt-4o-mini', messages: 1, lastRole: 'user', last: 'call 1' }],
      [3, { model: 'gpt-4o-mini', messages: 1, lastRole: 'user', last: 'call 0' }],
    ]);
    const unknown = await wflo(['circuits', 'reset', 'openai:gpt-5', '--db', 'w.db'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe('wflo: no circuit named "openai:gpt-5" (known: openai:gpt-4o-mini)');
    const reset = await wflo(['circuits', 'reset', 'openai:gpt-4o-mini', '--db', 'w.db'], { cwd: dir });
    expect(reset.stdout).toBe('circuit openai:gpt-4o-mini reset: closed');
    // Closed again: the next run's call reaches the provider (three attempts, all failing).
    const third = await wflo(['run', path.join(FIXTURES, 'failing-calls.mjs'), '--db', 'w.db', '--', '1'], { cwd: dir, env: providerEnv(provider) });
    expect(JSON.parse(third.stdout)).toMatchObject({ ok: 0, circuitOpen: 0, failed: 1 });
    expect(provider.requestCount()).toBe(8);
  });

  it('after the cooldown one probe goes through; its success closes the circuit and calls flow again', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 }, failWith: (seq) => (seq <= 5 ? { status: 500 } : undefined) });
    const dir = withConfig({ retry: { baseDelayMs: 5 }, circuit: { cooldownMs: 150 } });
    const result = await wflo(['run', path.join(FIXTURES, 'failing-calls.mjs'), '--db', 'w.db', '--', '30', '20'], { cwd: dir, env: providerEnv(provider) });
    const out = JSON.parse(result.stdout) as { ok: number; circuitOpen: number; failed: number; statuses: string[] };
    expect(out.failed).toBe(1);
    expect(out.circuitOpen).toBeGreaterThan(0);
    expect(out.ok).toBeGreaterThan(0);
    expect(out.ok + out.circuitOpen + out.failed).toBe(30);
    // Refusals come only while it is open: once the probe succeeded, every call went through.
    const firstOk = out.statuses.indexOf('ok');
    expect(out.statuses.slice(firstOk).every((s) => s === 'ok')).toBe(true);
    expect(provider.requestCount()).toBe(5 + out.ok);
    expect(result.stderr).toContain('circuit openai:gpt-4o-mini closed: the probe succeeded');
    expect(rows(path.join(dir, 'w.db'), 'SELECT name, state FROM circuits')).toEqual([{ name: 'openai:gpt-4o-mini', state: 'closed' }]);
  });
});

describe('burn-rate breakers', () => {
  it('an agent spending faster than its limit per minute is refused with CircuitOpenError until the cooldown', async () => {
    // 13,500 nano a call; the limit is 30,000 nano a minute: the third call trips the breaker.
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const dir = withConfig({ agents: { researcher: { maxUsdPerMinute: 0.00003 } } });
    const result = await wflo(['run', path.join(FIXTURES, 'burn-rate.mjs'), '--db', 'w.db'], { cwd: dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: 3, tripped: 3, circuit: 'agent:researcher' });
    expect(provider.billed.length).toBe(3);
    expect(result.stderr).toContain('agent researcher is spending too fast (over its $0.000030 per minute)');
    expect(rows(path.join(dir, 'w.db'), 'SELECT name, kind, state FROM circuits')).toEqual([{ name: 'agent:researcher', kind: 'burn-rate', state: 'open' }]);
  });
});

describe('a caller that gives up while its call waits for budget', () => {
  it('gets its abort at once; the call is never sent and costs nothing', async () => {
    // Each call's worst case is about 100 × 600 + input nano; the budget holds one at a time.
    provider = await startFakeProvider({ latencyMs: 600, usage: { inputTokens: 10, outputTokens: 20 } });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'abort-while-waiting.mjs'), '--budget', '0.0001', '--no-fit', '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ second: 'APIUserAbortError: Request was aborted.', abortedQuickly: true });
    expect(provider.requestCount()).toBe(1);
    expect(callsOf(db).map((c) => [c.seq, c.status, c.cost_nano])).toEqual([[1, 'ok', 13_500], [2, 'error', 0]]);
  });
});

describe('a script\'s own fetch', () => {
  it('assigned to globalThis.fetch is metered too, and a wrapper around wflo\'s is not metered twice', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const db = path.join(tempDir(), 'wflo.db');
    // Under a budget: the fetch on node:http is metered through wflo's wrapper, so it is not refused as unmetered.
    const result = await wflo(['run', path.join(FIXTURES, 'own-fetch.mjs'), '--budget', '1', '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ wrapped: 1, own: 1 });
    expect(provider.requestCount()).toBe(2);
    expect(callsOf(db).map((c) => [c.seq, c.status, c.cost_nano])).toEqual([[1, 'ok', 13_500], [2, 'ok', 13_500]]);
  });
});

describe('framework agents, with no change to the script', () => {
  it('an OpenAI Agents SDK handoff: each call is attributed to the agent that made it, cost exact', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'agents-handoff.mjs'), '--budget', '1', '--db', db],
      { env: { ...providerEnv(provider), OPENAI_AGENTS_DISABLE_TRACING: '1' } });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ lastAgent: 'writer' });
    expect(provider.billed.length).toBe(2);
    expect(callsOf(db).map((c) => [c.agent, c.status, c.cost_nano])).toEqual([['triage', 'ok', 13_500], ['writer', 'ok', 13_500]]);
  });
});
