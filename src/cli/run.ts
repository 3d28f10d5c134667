import fs from 'node:fs';
import { resolveRunOptions, type ResolvedRunOptions, type RunFlags } from '../config/run-options.js';
import { annotations } from '../report/annotations.js';
import { stepSummary, writeJsonReport } from '../report/json-report.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { JournalStore } from '../store/journal-store.js';
import { GuardStore } from '../store/guard-store.js';
import { openDatabase } from '../store/open-database.js';
import { RunStore } from '../store/run-store.js';
import { superviseRun, type ResumeTarget } from '../supervisor/run-supervisor.js';
import { PlainReporter } from '../ui/plain-reporter.js';
import type { Reporter } from '../supervisor/reporter.js';
import type { CliContext } from './context.js';
import { findOuterRun, joinOuterRun } from './join-run.js';

/** Narrower than this, the live view cannot be drawn legibly: plain lines instead. */
const MIN_LIVE_COLUMNS = 50;
/** What a terminal that reports no width (0 columns: common in CI runners and `script`) is taken to have. */
const FALLBACK_COLUMNS = 80;

/** Decided once: a live view in an interactive terminal, plain lines in CI, pipes and terminals too narrow for it. */
async function chooseReporter(ctx: CliContext): Promise<Reporter> {
  const live = ctx.stderr.isTTY === true && ctx.stdout.isTTY === true && !ctx.env.CI;
  const columns = ctx.stdout.columns > 0 ? ctx.stdout.columns : FALLBACK_COLUMNS;
  if (!live || columns < MIN_LIVE_COLUMNS) return new PlainReporter(ctx.stderr);
  // ink lays the view out to stdout.columns: a width of 0 would draw one character per line.
  if (!(ctx.stdout.columns > 0)) Object.defineProperty(ctx.stdout, 'columns', { value: FALLBACK_COLUMNS, configurable: true, writable: true });
  // ink (and its layout engine) takes a third of a second to load: only pay for it when shown.
  const { LiveReporter } = await import('../ui/live-reporter.js');
  return new LiveReporter(ctx.stdout, ctx.stderr);
}

/** Supervises a new run or one more attempt of an old one; returns the exit code. Shared by run and resume. */
export async function executeRun(options: ResolvedRunOptions, ctx: CliContext, resume: ResumeTarget | null): Promise<number> {
  const db = openDatabase(options.dbPath, { create: true });
  try {
    const reporter = await chooseReporter(ctx);
    const summary = await superviseRun(options, {
      env: ctx.env, store: new RunStore(db), checkpoints: new CheckpointStore(db), journal: new JournalStore(db), guards: new GuardStore(db),
      reporter, clock: ctx.clock, onSignal: ctx.onSignal,
    }, resume);
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

/** `wflo run <script> [args…]`: returns the exit code wflo should end with. */
export async function runCommand(script: string, args: string[], flags: RunFlags, ctx: CliContext): Promise<number> {
  const options = resolveRunOptions(script, args, flags, ctx.cwd, ctx.env);
  // Inside a supervised script: join that run rather than start an unbudgeted one of its own.
  const outer = await findOuterRun(ctx.env);
  if (outer) {
    const ignored = (['budget', 'db', 'report', 'simulate'] as const).filter((flag) => flags[flag] !== undefined).map((flag) => `--${flag}`);
    return joinOuterRun(options, outer, ignored, ctx);
  }
  return executeRun(options, ctx, null);
}
