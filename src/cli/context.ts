/** What every command receives, so tests can call commands directly with their own streams and clock. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  clock: () => number;
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

/** The real process's context: the only place that reaches for `process.*`. */
export function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    clock: Date.now,
    onSignal(handler) {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const signal of signals) process.on(signal, handler);
      return () => { for (const signal of signals) process.off(signal, handler); };
    },
  };
}
