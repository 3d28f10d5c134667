import { execa, type ResultPromise } from 'execa';

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

/**
 * Starts the agent script in its own process group, so a stop reaches every process it spawned
 * (execa alone would signal only the direct child).
 */
export function startScript(o: StartScriptOptions): ScriptProcess {
  const child: ResultPromise = execa(o.nodePath, [o.script, ...o.args], {
    cwd: o.cwd,
    env: o.env,
    extendEnv: false,
    stdin: 'inherit',
    stdout: o.pipeOutput ? 'pipe' : 'inherit',
    stderr: o.pipeOutput ? 'pipe' : 'inherit',
    detached: true,
    cleanup: true,
    reject: false,
    buffer: false,
  });
  const pid = child.pid ?? 0;
  const exited = child.then((result): ScriptExit => {
    if (result.failed && result.exitCode === undefined && !result.signal) {
      // Never ran: say why, with the shell's codes (127 not found, 126 cannot execute).
      const cause = result.cause as NodeJS.ErrnoException | undefined;
      const message = cause?.message ?? result.shortMessage ?? 'unknown error';
      return { exitCode: null, signal: null, startError: { message, exitCode: cause?.code === 'ENOENT' ? 127 : 126 } };
    }
    return { exitCode: result.signal ? null : (result.exitCode ?? null), signal: (result.signal ?? null) as NodeJS.Signals | null, startError: null };
  });
  return {
    pid,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    signalGroup(signal) {
      try { process.kill(-pid, signal); } catch { /* the group is already gone */ }
    },
  };
}
