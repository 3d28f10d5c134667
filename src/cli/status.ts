import path from 'node:path';
import chalk from 'chalk';
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { formatUsd } from '../ledger/money.js';
import { runDetailJson, runFacts, runJson, type GuardDetails, type RunHistory } from '../json/run-json.js';
import { RunStore } from '../store/run-store.js';
import { fileUnreadCallLogs } from '../supervisor/call-log-recovery.js';
import { guardLines } from './guard-details.js';
import { asStoreError } from '../store/store-failure.js';
import type { ModelBreakdown, RunRecord, RunStatus } from '../store/types.js';
import type { CliContext } from './context.js';
import { openExistingStore, shownStatus, unknownRun } from './run-lookup.js';

export interface StatusFlags { json?: boolean; db?: string; limit?: string }

function duration(run: RunRecord, now: number): string {
  // A run cut off when its wflo died has no end time: its length is unknown, not still growing.
  if (run.endedAt === null && shownStatus(run) !== 'running') return '—';
  const ms = (run.endedAt ?? now) - run.startedAt;
  return ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

const COLORS: Record<RunStatus, (s: string) => string> = {
  running: chalk.cyan, completed: chalk.green, failed: chalk.red, budget_exceeded: chalk.yellow, loop_detected: chalk.yellow, interrupted: chalk.magenta,
};

function spentText(run: RunRecord): string {
  return run.budgetNano === null ? formatUsd(run.spentNano) : `${formatUsd(run.spentNano)} / ${formatUsd(run.budgetNano)}`;
}

function listTable(runs: RunRecord[], ctx: CliContext): string {
  const table = new Table({ head: ['id', 'script', 'status', 'spent / budget', 'calls', 'duration'], style: { head: ['bold'] } });
  for (const run of runs) {
    const status = shownStatus(run);
    table.push([run.id, path.relative(ctx.cwd, run.script) || run.script, COLORS[status](status), spentText(run), String(run.llmCalls), duration(run, ctx.clock())]);
  }
  return table.toString();
}

function detail(run: RunRecord, byModel: ModelBreakdown[], history: RunHistory, guards: GuardDetails, ctx: CliContext): string {
  const status = shownStatus(run);
  const lines = [
    `${chalk.bold(run.id)}  ${COLORS[status](status)}${run.exitCode === null ? '' : `  exit ${run.exitCode}`}${run.simulated ? chalk.magenta('  simulated') : ''}`,
    `script   ${run.script} ${run.args.join(' ')}`.trimEnd(),
    `spent    ${spentText(run)}${history.budgetUsedPct === null ? '' : ` (${history.budgetUsedPct}%)`}  in ${run.llmCalls} LLM calls`
      + `${history.replayedCalls ? ` (+${history.replayedCalls} replayed from the journal, free)` : ''}`,
    `started  ${new Date(run.startedAt).toISOString()}  (${duration(run, ctx.clock())})`,
  ];
  const budgetNotes = [history.refusedCalls ? `${history.refusedCalls} refused` : '', history.cappedCalls ? `${history.cappedCalls} fitted to the budget` : '',
    history.waitedCalls ? `${history.waitedCalls} waited for budget` : ''].filter(Boolean);
  if (budgetNotes.length > 0) lines.push(`calls    ${budgetNotes.join(', ')}`);
  if (run.error) lines.push(`stopped  ${run.error}`);
  if (run.attempts > 1) lines.push(`attempts ${run.attempts}`);
  if (run.headCheckpoint) lines.push(`head     ${run.headCheckpoint}  (wflo checkpoints ${run.id})`);
  if (history.rolledBack) lines.push(chalk.yellow(`rolled back to ${run.headCheckpoint ?? 'its start'}: wflo resume ${run.id} to continue from there`));
  const table = new Table({ head: ['provider', 'model', 'calls', 'input', 'cached', 'output', 'cost'], style: { head: ['bold'] } });
  for (const m of byModel) {
    table.push([m.provider, m.model, String(m.calls), String(m.inputTokens), String(m.cachedInputTokens), String(m.outputTokens),
      `${formatUsd(m.costNano)}${m.estimatedCalls ? ` (${m.estimatedCalls} est.)` : ''}`]);
  }
  if (byModel.length > 0) lines.push(table.toString());
  lines.push(...guardLines(guards, run.id));
  return lines.join('\n');
}

/** `wflo status [run-id]`: recent runs newest first, or one run with spend by model. */
export function statusCommand(runId: string | undefined, flags: StatusFlags, ctx: CliContext): number {
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, got "${flags.limit}"`);
  const { db, path: dbPath, prices } = openExistingStore(ctx, flags.db);
  try {
    // A run whose wflo was killed shows what its processes spent, not only what wflo had read of it.
    // Best effort: a store that cannot be written now (locked, read-only) is still shown as recorded.
    try {
      fileUnreadCallLogs(db, prices, ctx.clock());
    } catch (err) {
      ctx.stderr.write(`wflo: calls a killed wflo left in its call logs are not on record yet (${err instanceof Error ? err.message : String(err)}); showing what is\n`);
    }
    const store = new RunStore(db);
    if (runId === undefined) {
      const runs = store.listRuns(limit);
      ctx.stdout.write(flags.json ? `${JSON.stringify(runs.map(runJson), null, 2)}\n`
        : runs.length === 0 ? 'no runs yet\n' : `${listTable(runs, ctx)}\n`);
      return 0;
    }
    const facts = runFacts(db, runId);
    if (!facts) throw unknownRun(runId);
    const { run, byModel, history, guards } = facts;
    ctx.stdout.write(flags.json ? `${JSON.stringify(runDetailJson(facts), null, 2)}\n` : `${detail(run, byModel, history, guards, ctx)}\n`);
    return 0;
  } catch (err) {
    throw asStoreError(dbPath, err);
  } finally {
    db.close();
  }
}
