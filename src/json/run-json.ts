import type Database from 'better-sqlite3';
import { nanoToUsd } from '../ledger/money.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { GuardStore } from '../store/guard-store.js';
import { agentBreakdown, runCallTotals } from '../store/run-call-totals.js';
import { RunStore } from '../store/run-store.js';
import { shownStatus } from '../store/run-status.js';
import type { AgentBreakdown, ModelBreakdown, RunRecord, ToolStats } from '../store/types.js';
import { budgetUsedPct } from '../ui/describe.js';
import type { AgentJson, ModelJson, RunDetailJson, RunJson, ToolJson } from './types.js';

/** What `status <run-id>` adds beyond the run row: replays, and whether the head was rolled back. */
export interface RunHistory {
  replayedCalls: number;
  rolledBack: boolean;
  /** Calls refused, fitted to the budget (output limit lowered), and sent after waiting for budget held by others. */
  refusedCalls: number;
  cappedCalls: number;
  waitedCalls: number;
  /** Share of the budget spent (two decimals), or null without a budget. */
  budgetUsedPct: number | null;
}

/** What `wflo status <run>` shows of the guards: spend by agent, tools, dead letters. */
export interface GuardDetails { byAgent: AgentBreakdown[]; tools: ToolStats[]; deadLetters: number }

/** Everything `wflo status <run-id>` reads about one run, in store units (nano-USD). */
export interface RunFacts { run: RunRecord; byModel: ModelBreakdown[]; history: RunHistory; guards: GuardDetails }

/** A run as `wflo status --json` lists it. */
export function runJson(run: RunRecord): RunJson {
  return {
    runId: run.id, script: run.script, args: run.args, cwd: run.cwd, status: shownStatus(run), exitCode: run.exitCode,
    budgetUsd: run.budgetNano === null ? null : nanoToUsd(run.budgetNano), spentUsd: nanoToUsd(run.spentNano),
    llmCalls: run.llmCalls, simulated: run.simulated, startedAt: new Date(run.startedAt).toISOString(),
    endedAt: run.endedAt === null ? null : new Date(run.endedAt).toISOString(), error: run.error,
    attempts: run.attempts, headCheckpoint: run.headCheckpoint,
  };
}

function modelJson(m: ModelBreakdown): ModelJson {
  return { provider: m.provider, model: m.model, calls: m.calls, inputTokens: m.inputTokens,
    cachedInputTokens: m.cachedInputTokens, outputTokens: m.outputTokens, costUsd: nanoToUsd(m.costNano), estimatedCalls: m.estimatedCalls };
}

/** The guards' part of `status <run-id> --json`. */
export function guardJson(g: GuardDetails): { byAgent: AgentJson[]; tools: ToolJson[]; deadLetters: number } {
  return {
    byAgent: g.byAgent.map((a) => ({ agent: a.agent, calls: a.calls, costUsd: nanoToUsd(a.costNano), budgetUsd: a.budgetNano === null ? null : nanoToUsd(a.budgetNano) })),
    tools: g.tools.map((t) => ({ name: t.name, asked: t.asked, runs: t.runs, succeeded: t.succeeded, failed: t.failed,
      successRate: t.runs === 0 ? null : t.succeeded / t.runs, medianMs: t.medianMs })),
    deadLetters: g.deadLetters,
  };
}

/** Reads what `wflo status <run-id>` shows of a run, or undefined when there is no such run. */
export function runFacts(db: Database.Database, runId: string): RunFacts | undefined {
  const store = new RunStore(db);
  const run = store.getRun(runId);
  if (!run) return undefined;
  const checkpoints = new CheckpointStore(db).list(run.id);
  const head = checkpoints.find((c) => c.id === run.headCheckpoint);
  // One read of the calls for the breakdowns and one for the counts: a run of 50,000 calls was scanned seven times here.
  const totals = runCallTotals(db, run.id);
  const history: RunHistory = {
    // Rolled back and not resumed since: superseded checkpoints come after the head.
    replayedCalls: totals.replayed, rolledBack: checkpoints.some((c) => c.superseded && c.seq > (head?.seq ?? 0)),
    refusedCalls: totals.denied, cappedCalls: totals.capped, waitedCalls: totals.waited,
    budgetUsedPct: run.budgetNano === null ? null : budgetUsedPct(run.spentNano, run.budgetNano),
  };
  const guardStore = new GuardStore(db);
  const guards: GuardDetails = {
    byAgent: agentBreakdown(totals.byAgent, new Map(Object.entries(run.agentBudgets))), tools: guardStore.toolStats(run.id), deadLetters: guardStore.deadLetterCount(run.id),
  };
  return { run, byModel: totals.byModel, history, guards };
}

/** A run with its breakdowns, as `wflo status <run-id> --json` prints it. */
export function runDetailJson(f: RunFacts): RunDetailJson {
  return { ...runJson(f.run), byModel: f.byModel.map(modelJson), ...f.history, ...guardJson(f.guards) };
}
