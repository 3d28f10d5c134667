import { resolveRunOptions, type ResolvedRunOptions, type RunFlags } from '../config/run-options.js';
import { launchRun } from '../supervisor/launch.js';
import { newRunId } from '../supervisor/run-id.js';
import type { ResumeTarget } from '../supervisor/run-supervisor.js';
import type { CliContext } from './context.js';
import { findOuterRun, joinOuterRun } from './join-run.js';

/** Narrower than this, the live view cannot be drawn legibly: plain lines instead. */
const MIN_LIVE_COLUMNS = 50;
/** What a terminal that reports no width (0 columns: common in CI runners and `script`) is taken to have. */
const FALLBACK_COLUMNS = 80;

/** Decided once: a live view in an interactive terminal, plain lines in CI, pipes and terminals too narrow for it. */
function showsLiveView(ctx: CliContext): boolean {
  const live = ctx.stderr.isTTY === true && ctx.stdout.isTTY === true && !ctx.env.CI;
  const columns = ctx.stdout.columns > 0 ? ctx.stdout.columns : FALLBACK_COLUMNS;
  if (!live || columns < MIN_LIVE_COLUMNS) return false;
  // ink lays the view out to stdout.columns: a width of 0 would draw one character per line.
  if (!(ctx.stdout.columns > 0)) Object.defineProperty(ctx.stdout, 'columns', { value: FALLBACK_COLUMNS, configurable: true, writable: true });
  return true;
}

/**
 * Supervises a new run or one more attempt of an old one; returns the exit code. Shared by run
 * and resume. The script is started first, held before its first line, and the rest of wflo
 * (store, supervisor, reporter) loads while node starts; if any of it fails, the script never runs.
 */
export async function executeRun(options: ResolvedRunOptions, ctx: CliContext, resume: ResumeTarget | null): Promise<number> {
  const live = showsLiveView(ctx);
  const launch = await launchRun(options, resume?.runId ?? newRunId(), ctx.env, live);
  try {
    const { superviseLaunched } = await import('./run-launched.js');
    return await superviseLaunched(options, ctx, launch, resume, live);
  } finally {
    if (!launch.script.released) await launch.cancel();
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
