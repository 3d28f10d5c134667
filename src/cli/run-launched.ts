import fs from 'node:fs';
import type { ResolvedRunOptions } from '../config/run-options.js';
import { annotations } from '../report/annotations.js';
import { stepSummary, writeJsonReport } from '../report/json-report.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { JournalStore } from '../store/journal-store.js';
import { GuardStore } from '../store/guard-store.js';
import { openDatabase } from '../store/open-database.js';
import { RunStore } from '../store/run-store.js';
import { asStoreError } from '../store/store-failure.js';
import { fileUnreadCallLogs } from '../supervisor/call-log-recovery.js';
import type { Launch } from '../supervisor/launch.js';
import type { Reporter } from '../supervisor/reporter.js';
import { superviseRun, type ResumeTarget } from '../supervisor/run-supervisor.js';
import { PlainReporter } from '../ui/plain-reporter.js';
import type { CliContext } from './context.js';

async function reporterFor(ctx: CliContext, live: boolean): Promise<Reporter> {
  if (!live) return new PlainReporter(ctx.stderr);
  // ink (and its layout engine) takes a third of a second to load: only pay for it when shown.
  const { LiveReporter } = await import('../ui/live-reporter.js');
  return new LiveReporter(ctx.stdout, ctx.stderr);
}

/**
 * The part of a run loaded while its script starts: the store, the supervisor, the reporter.
 * Supervises the launched script, writes the reports; returns the exit code.
 */
export async function superviseLaunched(options: ResolvedRunOptions, ctx: CliContext, launch: Launch, resume: ResumeTarget | null, live: boolean): Promise<number> {
  const db = openDatabase(options.dbPath, { create: true });
  try {
    // Calls a killed wflo of this store left unread go on record before a new run starts beside them.
    try { fileUnreadCallLogs(db, options.prices, ctx.clock()); } catch (err) { throw asStoreError(options.dbPath, err); }
    const reporter = await reporterFor(ctx, live);
    const summary = await superviseRun(options, {
      env: ctx.env, store: new RunStore(db), checkpoints: new CheckpointStore(db), journal: new JournalStore(db), guards: new GuardStore(db),
      reporter, clock: ctx.clock, onSignal: ctx.onSignal,
    }, launch, resume);
    if (options.reportPath) writeJsonReport(options.reportPath, summary);
    if (ctx.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(ctx.env.GITHUB_STEP_SUMMARY, stepSummary(summary));
    // Workflow commands are read from stdout; the script has ended, so its output is not interleaved.
    if (ctx.env.GITHUB_ACTIONS === 'true') ctx.stdout.write(annotations(summary).join(''));
    await reporter.finish(summary);
    return summary.exitCode;
  } finally {
    db.close();
  }
}
