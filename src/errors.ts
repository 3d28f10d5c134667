/** Exit codes wflo documents (README "Exit codes"). The script's own code passes through otherwise. */
export const EXIT = {
  ok: 0,
  /** wflo's own usage or config error: bad flag, missing script, unreadable db. */
  usage: 2,
  /** The run was stopped because a call could have exceeded the budget. */
  budgetExceeded: 3,
  /** The run was stopped because an agent went on looping after a warning (--on-loop stop). */
  loopDetected: 4,
  /** An internal wflo failure (a bug). */
  internal: 70,
} as const;

/** Base of every error wflo throws on purpose. `code` is stable; messages are for people. */
export class WfloError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** The user asked for something wflo cannot do: bad flag, missing file, bad config. Exit 2. */
export class UsageError extends WfloError {
  constructor(message: string, code = 'WFLO_USAGE', options?: { cause?: unknown }) {
    super(code, message, EXIT.usage, options);
  }
}

/** The database could not be opened or read. Exit 2: nothing was run, nothing was lost. */
export class StoreError extends WfloError {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('WFLO_STORE', message, EXIT.usage, options);
    this.path = path;
  }
}
