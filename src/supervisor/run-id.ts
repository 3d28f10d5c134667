import crypto from 'node:crypto';

/** Short, unique enough for one machine's history, easy to type: `run-3f9c2a7b`. */
export function newRunId(): string {
  return `run-${crypto.randomBytes(4).toString('hex')}`;
}
