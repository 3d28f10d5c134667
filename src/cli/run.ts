import fs from 'node:fs';
import { resolveRunOptions, type RunFlags } from '../config/run-options.js';
import { stepSummary, writeJsonReport } from '../report/json-report.js';
import { openDatabase } from '../store/open-database.js';
import { RunStore } from '../store/run-store.js';
import { superviseRun } from '../supervisor/run-supervisor.js';
import { LiveReporter } from '../ui/live-reporter.js';
import { PlainReporter } from '../ui/plain-reporter.js';
import type { Reporter } from '../ui/reporter.js';
import type { CliContext } from './context.js';

function chooseReporter(ctx: CliContext): Reporter {
  const live = ctx.stderr.isTTY === true && ctx.stdout.isTTY === true && !ctx.env.CI;
  return live ? new LiveReporter(ctx.stdout, ctx.stderr) : new PlainReporter(ctx.stderr);
}

/** `wflo run <script> [args…]`: returns the exit code wflo should end with. */
export async function runCommand(script: string, args: string[], flags: RunFlags, ctx: CliContext): Promise<number> {
  const options = resolveRunOptions(script, args, flags, ctx.cwd, ctx.env);
  const db = openDatabase(options.dbPath, { create: true });
  try {
    const reporter = chooseReporter(ctx);
    const summary = await superviseRun(options, { env: ctx.env, store: new RunStore(db), reporter, clock: ctx.clock, onSignal: ctx.onSignal });
    if (options.reportPath) writeJsonReport(options.reportPath, summary);
    if (ctx.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(ctx.env.GITHUB_STEP_SUMMARY, stepSummary(summary));
    await reporter.finish(summary);
    return summary.exitCode;
  } finally {
    db.close();
  }
}
