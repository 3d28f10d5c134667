import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedRunOptions } from '../config/run-options.js';
import { ENV } from '../protocol/messages.js';
import type { CliContext } from './context.js';

/** The supervised run this `wflo run` was started inside, if its supervisor answers. */
export interface OuterRun { runId: string; socketPath: string }

const PROBE_MS = 1000;

/**
 * `wflo run` inside a supervised script must not start a second, budget-less supervisor (the
 * outer run would report $0 for its calls). When the outer run's socket answers, the script
 * joins it instead. A stale variable (no one listening) means a normal run.
 */
export async function findOuterRun(env: NodeJS.ProcessEnv): Promise<OuterRun | null> {
  const socketPath = env[ENV.socket];
  if (!socketPath) return null;
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect(socketPath);
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.setTimeout(PROBE_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  return reachable ? { runId: env[ENV.runId] ?? 'unknown', socketPath } : null;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = os.constants.signals;

/**
 * Runs the script directly under the outer run's hook (it is in NODE_OPTIONS already): its calls
 * count against the outer budget and are recorded in the outer run. This wflo's own run flags
 * (budget, db, report) do not apply; it says so in one line. Returns the script's exit code.
 */
export async function joinOuterRun(o: ResolvedRunOptions, outer: OuterRun, ignored: string[], ctx: CliContext): Promise<number> {
  const note = ignored.length > 0 ? `; ${ignored.join(', ')} ignored (the outer run's apply)` : '';
  ctx.stderr.write(`wflo: joined run ${outer.runId}: ${path.relative(o.cwd, o.script) || o.script} is metered by it and counts against its budget${note}\n`);
  let nodeOptions = ctx.env.NODE_OPTIONS ?? '';
  const tsx = import.meta.resolve('tsx');
  if (o.typescript && !nodeOptions.includes(tsx)) nodeOptions = `${nodeOptions} --import ${JSON.stringify(tsx)}`.trim();
  // Same process group as this wflo: a stop of the outer run reaches the script too.
  const { execa } = await import('execa');
  const child = execa(o.nodePath, [o.script, ...o.scriptArgs], {
    cwd: o.cwd, env: { ...ctx.env, NODE_OPTIONS: nodeOptions }, extendEnv: false, stdio: 'inherit', reject: false,
  });
  const offSignal = ctx.onSignal((signal) => { child.kill(signal); });
  try {
    const result = await child;
    if (result.signal) return 128 + (SIGNAL_NUMBERS[result.signal] ?? 0);
    return result.exitCode ?? 1;
  } finally {
    offSignal();
  }
}
