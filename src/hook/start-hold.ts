import { closeSync, readSync } from 'node:fs';

/**
 * The variable naming the descriptor a held script waits on. Not one of ENV: it is read once,
 * removed, and never carried to the script's own children.
 */
export const HOLD_ENV = 'WFLO_HOLD_FD';

/** The byte wflo writes when the run is recorded and the script may go on. */
const GO = 0x31;
const RETRY_MS = 1;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * wflo starts the script while it opens its store, so both start at once. The script's first
 * line waits here until wflo has recorded the run and says go; if wflo cannot record it, it
 * kills this process or closes the pipe (then this process ends): nothing of an unrecorded run
 * executes. Returns false when told to end.
 */
export function waitForGo(env: NodeJS.ProcessEnv): boolean {
  const fd = Number(env[HOLD_ENV]);
  delete env[HOLD_ENV];
  if (!Number.isInteger(fd) || fd < 3) return true;
  const byte = Buffer.alloc(1);
  let read = -1;
  while (read === -1) {
    try {
      read = readSync(fd, byte, 0, 1, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Node leaves the child's end blocking; should it not be, wait a little. Anything else (a wrapper that did not pass the descriptor on): not held.
      if (code !== 'EAGAIN') return true;
      sleep(RETRY_MS);
    }
  }
  try { closeSync(fd); } catch { /* already closed */ }
  return read === 1 && byte[0] === GO;
}
