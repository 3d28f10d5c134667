import fs from 'node:fs';
import { parseBudget, resolveRunOptions } from '../config/run-options.js';
import { UsageError } from '../errors.js';
import { hasRedacted } from '../protocol/redact.js';
import type { PriceOverrides } from '../pricing/price-book.js';
import { openDatabase } from '../store/open-database.js';
import { RunStore } from '../store/run-store.js';
import type { RunRecord } from '../store/types.js';
import { fileUnreadCallLogs } from '../supervisor/call-log-recovery.js';
import { asStoreError } from '../store/store-failure.js';
import type { CliContext } from './context.js';
import { executeRun } from './run.js';
import { openExistingStore, requireStopped, unknownRun } from './run-lookup.js';

export interface ResumeFlags {
  budget?: string;
  replay?: boolean;
  journal?: boolean;
  report?: string;
  db?: string;
  grace?: string;
  node?: string;
  fit?: boolean;
  fitFloor?: string;
  agentBudget?: string[];
  onLoop?: string;
  config?: string;
  guards?: boolean;
}

/**
 * `wflo resume <run-id> [-- args…]`: relaunches the run's script and arguments (or the ones given)
 * in the current environment. The run's budget covers all its attempts; `lastCheckpoint()` returns its head.
 */
export async function resumeCommand(runId: string, args: string[], flags: ResumeFlags, ctx: CliContext): Promise<number> {
  const { db, path: dbPath } = openExistingStore(ctx, flags.db);
  let run;
  try {
    run = new RunStore(db).getRun(runId);
  } catch (err) {
    throw asStoreError(dbPath, err);
  } finally {
    db.close();
  }
  if (!run) throw unknownRun(runId);
  requireStopped(run, 'resume it');
  const cwd = fs.existsSync(run.cwd) ? run.cwd : ctx.cwd;
  // Secrets were never stored: the script would get "[REDACTED]" in their place.
  if (args.length === 0 && hasRedacted(run.args)) {
    throw new UsageError(`run ${run.id} was started with secrets in its arguments, stored redacted; pass them again: wflo resume ${run.id} -- <args>`);
  }
  const options = resolveRunOptions(run.script, args.length > 0 ? args : run.args, {
    // A stored 'stop' may be the default: passed on only as 'error', so an agent's breach is not taken for an explicit stop.
    onBudget: run.onBudget === 'error' ? 'error' : undefined, simulate: run.simulated, db: dbPath, report: flags.report, grace: flags.grace, node: flags.node,
    journal: flags.journal ?? run.journal, fit: flags.fit, fitFloor: flags.fitFloor,
    agentBudget: flags.agentBudget, onLoop: flags.onLoop, config: flags.config, guards: flags.guards,
  }, cwd, ctx.env);
  // Agents keep the budgets the run was started with, unless given again.
  const agents = new Map(options.guards.agents);
  for (const [agent, budgetNano] of Object.entries(run.agentBudgets)) {
    const known = agents.get(agent);
    if (!known) agents.set(agent, { budgetNano, maxNanoPerMinute: null, maxTokensPerMinute: null });
    else if (known.budgetNano === null) agents.set(agent, { ...known, budgetNano });
  }
  options.guards = { ...options.guards, agents };
  options.budgetNano = flags.budget !== undefined ? parseBudget(flags.budget, '--budget') : run.budgetNano;
  const spentNano = spentWithUnreadLogs(dbPath, run, options.prices, ctx);
  if (options.budgetNano !== null && options.budgetNano <= spentNano) {
    throw new UsageError(`run ${run.id} has already spent its budget; pass a larger --budget to resume it`);
  }
  return executeRun(options, ctx, { runId: run.id, spentNano, replayAll: flags.replay === true });
}

/** What the run has spent, once the calls its killed wflo left unread in the call logs are on record (see call-log-recovery.ts). */
function spentWithUnreadLogs(dbPath: string, run: RunRecord, prices: PriceOverrides, ctx: CliContext): number {
  const db = openDatabase(dbPath, { create: false });
  try {
    const changed = fileUnreadCallLogs(db, prices, ctx.clock());
    return changed.includes(run.id) ? new RunStore(db).getRun(run.id)?.spentNano ?? run.spentNano : run.spentNano;
  } catch (err) {
    throw asStoreError(dbPath, err);
  } finally {
    db.close();
  }
}
