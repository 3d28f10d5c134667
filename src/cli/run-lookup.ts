import { resolveDbPath } from '../config/run-options.js';
import { loadConfig } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import { openDatabase } from '../store/open-database.js';
import { isRunning } from '../store/run-status.js';
import type { PriceOverrides } from '../pricing/price-override.js';
import type { RunRecord } from '../store/types.js';
import type { CliContext } from './context.js';
import type Database from 'better-sqlite3';

/** The store a read command works on: --db, WFLO_DB, the config's db, or .wflo/wflo.db. It must exist. */
export function openExistingStore(ctx: CliContext, dbFlag: string | undefined): { db: Database.Database; path: string; prices: PriceOverrides } {
  const { config } = loadConfig(ctx.cwd);
  const file = resolveDbPath(ctx.cwd, ctx.env, dbFlag, config.db);
  return { db: openDatabase(file, { create: false }), path: file, prices: config.prices ?? {} };
}


export { isRunning, shownStatus } from '../store/run-status.js';

export function requireStopped(run: RunRecord, action: string): void {
  if (isRunning(run)) throw new UsageError(`run ${run.id} is still running (wflo pid ${run.supervisorPid}); stop it before you ${action}`);
}

export function unknownRun(runId: string): UsageError {
  return new UsageError(`no run with id "${runId}" (see \`wflo status\`)`);
}
