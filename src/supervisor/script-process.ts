import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { HOLD_ENV } from '../hook/start-hold.js';

export interface ScriptExit {
  /** The script's exit code, or null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the script could not be started at all, or null. */
  startError: { message: string; exitCode: number } | null;
}

export interface ScriptProcess {
  pid: number;
  /** The script's own output, when wflo shows it inside the live view; null when inherited. */
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  exited: Promise<ScriptExit>;
  /** Signals the script and every process it started (they share its process group). */
  signalGroup(signal: NodeJS.Signals): void;
  /** Lets the script run: its hook holds it before its first line until then. */
  go(): void;
  /** Whether go() was called. */
  readonly released: boolean;
  /** Ends the script before its first line (the run could not be recorded). */
  cancel(): Promise<void>;
}

export interface StartScriptOptions {
  nodePath: string;
  script: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Pipe the script's output to wflo (live view) instead of handing it the terminal. */
  pipeOutput: boolean;
}

/** The script's descriptor its hook waits on before the script's first line. */
const HOLD_FD = 3;

/** Why a script could not be started, with the shell's codes: 127 not found, 126 cannot execute. */
function startError(err: NodeJS.ErrnoException): ScriptExit {
  return { exitCode: null, signal: null, startError: { message: err.message, exitCode: err.code === 'ENOENT' ? 127 : 126 } };
}

/**
 * Starts the agent script in its own process group, so a stop reaches every process it spawned.
 * Its hook holds it before its first line until go(): wflo starts the script first, then opens
 * its store while node starts. Node's own spawn, not execa: execa's ~15 ms (loading it, then its
 * spawn) would come before the script could start, on every run.
 */
export function startScript(o: StartScriptOptions): ScriptProcess {
  const child = spawn(o.nodePath, [o.script, ...o.args], {
    cwd: o.cwd,
    env: { ...o.env, [HOLD_ENV]: String(HOLD_FD) },
    stdio: ['inherit', o.pipeOutput ? 'pipe' : 'inherit', o.pipeOutput ? 'pipe' : 'inherit', 'pipe'],
    detached: true,
  });
  const pid = child.pid ?? 0;
  const signalGroup = (signal: NodeJS.Signals): void => {
    // A script that never started has no group: kill(-0) would signal wflo's own group (its shell, its CI job).
    if (pid === 0) return;
    try { process.kill(-pid, signal); } catch { /* the group is already gone */ }
  };
  // If wflo itself ends first (an internal error), its script does not outlive it.
  const orphaned = (): void => { signalGroup('SIGKILL'); };
  process.once('exit', orphaned);
  // 'close': the exit, and every byte of its output read (the live view shows it all).
  const exited = new Promise<ScriptExit>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => { if (child.pid === undefined) resolve(startError(err)); });
    child.once('close', (code, signal) => resolve({ exitCode: signal ? null : code, signal, startError: null }));
  }).finally(() => process.off('exit', orphaned));
  const fd3: unknown = child.stdio[HOLD_FD];
  const hold = fd3 instanceof Socket ? fd3 : undefined;
  // A script that ended (or never started) before go(): nothing to tell.
  hold?.on('error', () => {});
  let released = false;
  return {
    pid,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    signalGroup,
    go() {
      released = true;
      hold?.end('1');
    },
    get released() { return released; },
    async cancel() {
      hold?.destroy();
      signalGroup('SIGKILL');
      await exited;
    },
  };
}
