import type Database from 'better-sqlite3';
import type { Nano } from '../ledger/money.js';
import type { Provider } from '../protocol/messages.js';
import type { AgentBreakdown, ModelBreakdown } from './types.js';

/** Billed calls, as in RunStore and GuardStore: not the refused ones, not the ones served from the journal. */
const BILLED = `status NOT IN ('denied', 'replayed')`;

/** What `wflo status <run-id>` counts of a run's calls, read in two scans of them (it took five). */
export interface RunCallTotals {
  byModel: ModelBreakdown[];
  /** Billed calls and their cost by agent (null: calls made outside any agent), before budgets are added. */
  byAgent: Array<{ agent: string | null; calls: number; costNano: Nano }>;
  replayed: number;
  denied: number;
  /** Calls (not refused) whose output limit was lowered to fit the budget, and that waited for budget first. */
  capped: number;
  waited: number;
}

interface GroupRow { provider: Provider; model: string; agent: string | null; calls: number; inputTokens: number; cachedInputTokens: number; outputTokens: number; costNano: Nano; estimatedCalls: number }

/** SQLite's BINARY order (UTF-8 bytes), which JS's < does not follow past U+FFFF: the breakdowns keep the order the SQL gave them. */
function binary(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** ORDER BY costNano DESC, key — with NULL first, as SQLite sorts it. */
function byCostThen<T extends { costNano: number }>(key: (row: T) => string | null): (a: T, b: T) => number {
  return (a, b) => {
    if (a.costNano !== b.costNano) return b.costNano - a.costNano;
    const ka = key(a);
    const kb = key(b);
    return ka === kb ? 0 : ka === null ? -1 : kb === null ? 1 : binary(ka, kb);
  };
}

/**
 * Billed calls grouped by provider, model and agent in one scan, folded here into the spend by
 * model and by agent (the two GROUP BYs scanned the run twice); the counts by status in another.
 */
export function runCallTotals(db: Database.Database, runId: string): RunCallTotals {
  const groups = db.prepare(`SELECT provider, model, agent, COUNT(*) AS calls, SUM(input_tokens) AS inputTokens, SUM(cached_input_tokens) AS cachedInputTokens,
      SUM(output_tokens) AS outputTokens, SUM(cost_nano) AS costNano, SUM(estimated) AS estimatedCalls
    FROM llm_calls WHERE run_id = ? AND ${BILLED} GROUP BY provider, model, agent`).all(runId) as GroupRow[];
  const models = new Map<string, ModelBreakdown>();
  const agents = new Map<string | null, { agent: string | null; calls: number; costNano: Nano }>();
  for (const g of groups) {
    // A JSON pair is a key no provider or model name can make collide.
    const key = JSON.stringify([g.provider, g.model]);
    const m = models.get(key) ?? { provider: g.provider, model: g.model, calls: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, costNano: 0, estimatedCalls: 0 };
    models.set(key, m);
    m.calls += g.calls; m.inputTokens += g.inputTokens; m.cachedInputTokens += g.cachedInputTokens;
    m.outputTokens += g.outputTokens; m.costNano += g.costNano; m.estimatedCalls += g.estimatedCalls;
    const a = agents.get(g.agent) ?? { agent: g.agent, calls: 0, costNano: 0 };
    agents.set(g.agent, a);
    a.calls += g.calls; a.costNano += g.costNano;
  }
  const counts = db.prepare(`SELECT COALESCE(SUM(status = 'replayed'), 0) AS replayed, COALESCE(SUM(status = 'denied'), 0) AS denied,
      COUNT(CASE WHEN status != 'denied' THEN output_cap END) AS capped, COUNT(CASE WHEN status != 'denied' THEN waited_ms END) AS waited
    FROM llm_calls WHERE run_id = ?`).get(runId) as { replayed: number; denied: number; capped: number; waited: number };
  return {
    byModel: [...models.values()].sort(byCostThen((m) => m.model)),
    byAgent: [...agents.values()].sort(byCostThen((a) => a.agent)),
    ...counts,
  };
}

/** Spend by agent with each agent's budget; an agent with a budget and no call yet is listed too: its budget is part of the picture. */
export function agentBreakdown(rows: RunCallTotals['byAgent'], budgets: ReadonlyMap<string, Nano>): AgentBreakdown[] {
  const seen = new Set(rows.map((r) => r.agent));
  const list: AgentBreakdown[] = rows.map((r) => ({ agent: r.agent ?? '(none)', calls: r.calls, costNano: r.costNano, budgetNano: r.agent === null ? null : budgets.get(r.agent) ?? null }));
  for (const [agent, budget] of budgets) if (!seen.has(agent)) list.push({ agent, calls: 0, costNano: 0, budgetNano: budget });
  return list;
}
