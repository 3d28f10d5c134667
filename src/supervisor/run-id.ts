/**
 * Short, unique enough for one machine's history, easy to type: `run-3f9c2a7b`. Math.random, not
 * node:crypto: an id needs to be unique, not secret, and loading crypto would come before the
 * script starts.
 */
export function newRunId(): string {
  return `run-${Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0')}`;
}
