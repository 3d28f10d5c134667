import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PriceBook } from '../src/pricing/price-book.js';
import { costOf } from '../src/pricing/rates.js';
import { startFakeProvider, type BilledCall, type FakeProvider } from '../src/simulator/server.js';
import { ROOT, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** What the provider billed, priced call by call from the catalogue (as the provider would), independent of wflo's own records. */
async function billedNano(billed: BilledCall[]): Promise<number> {
  const book = new PriceBook({});
  return billed.reduce((sum, b) => {
    const rates = book.rates(b.provider, b.model);
    if (!rates) throw new Error(`no price for ${b.model}`);
    return sum + costOf(rates, { inputTokens: b.usage.inputTokens, cachedInputTokens: b.usage.cachedTokens, cacheWriteTokens: b.usage.cacheWriteTokens,
      outputTokens: b.usage.outputTokens, reasoningTokens: b.usage.reasoningTokens });
  }, 0);
}

/** Runs an example against the fake provider; returns the calls wflo recorded, by agent. */
async function runExample(file: string, args: string[] = []) {
  provider = await startFakeProvider();
  const db = path.join(tempDir(), 'wflo.db');
  const result = await wflo(['run', path.join(ROOT, 'examples', file), '--budget', '0.05', '--db', db, ...args],
    { env: { ...providerEnv(provider), OPENAI_AGENTS_DISABLE_TRACING: '1' } });
  expect(result.stderr).not.toContain('internal error');
  expect(result.exitCode).toBe(0);
  const { runs, calls } = readDb(db);
  const byAgent: Record<string, number> = {};
  for (const c of calls as Array<{ agent?: string | null; status: string }>) if (c.status === 'ok') byAgent[c.agent ?? '(none)'] = (byAgent[c.agent ?? '(none)'] ?? 0) + 1;
  // Every call the provider billed is in the ledger, to the nano-dollar.
  expect(calls.filter((c) => c.status === 'ok')).toHaveLength(provider.billed.length);
  expect(runs[0]?.spent_nano).toBe(await billedNano(provider.billed));
  return { stdout: result.stdout, byAgent };
}

describe('every example runs under wflo: cost exact, agents attributed', () => {
  it('LangGraph.js research graph with a tool: calls attributed to their nodes', async () => {
    const r = await runExample('langgraph-research.ts');
    expect(JSON.parse(r.stdout)).toEqual({ findings: 1, draft: true });
    expect(r.byAgent).toEqual({ researcher: 1, writer: 1 });
  });

  it('OpenAI Agents SDK handoff: calls attributed to triage and writer', async () => {
    const r = await runExample('agents-handoff.ts');
    expect(JSON.parse(r.stdout)).toEqual({ lastAgent: 'writer', answered: true });
    expect(r.byAgent).toEqual({ triage: 1, writer: 1 });
  });

  it('Vercel AI SDK generateText tool loop and streamText', async () => {
    const r = await runExample('vercel-ai.ts');
    expect(JSON.parse(r.stdout)).toEqual({ steps: 2, streamed: true });
    expect(r.byAgent).toEqual({ planner: 2, writer: 1 });
  });

  it('plain OpenAI and Anthropic SDKs with tool use, agent() and tool()', async () => {
    const r = await runExample('plain-tools.ts', ['--agent-budget', 'researcher=0.005']);
    expect(JSON.parse(r.stdout)).toEqual({ done: true });
    expect(r.byAgent).toEqual({ researcher: 2, reviewer: 1 });
  });

  it('the research agent of the demo', async () => {
    const r = await runExample('research-agent.ts');
    expect(r.byAgent).toEqual({ '(none)': 13 });
  });
});
