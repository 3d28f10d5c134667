/**
 * What agent scripts import from 'wflo'. Everything here also works outside `wflo run`.
 */
import { refusalCode } from './refusal-code.js';

export { checkpoint, lastCheckpoint, listCheckpoints, type Checkpoint } from './checkpoint.js';
export { CheckpointStateError, WfloSdkError } from './errors.js';

/**
 * A call wflo refused because it could have exceeded the run's budget (`--on-budget error`).
 * The SDK in use throws its own error class (a 402 APIError); `instanceof BudgetExceededError`
 * recognises it, so scripts need not know which SDK made the call.
 */
export class BudgetExceededError extends Error {
  readonly code = 'wflo_budget_exceeded';

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, value) || refusalCode(value) === 'budget_exceeded';
  }
}

/** True when wflo refused the call (budget, unknown price, run stopping, no supervisor). */
export function isWfloRefusal(err: unknown): boolean {
  return refusalCode(err) !== undefined;
}

/** The run's id when running under `wflo run`, else undefined. */
export function runId(): string | undefined {
  return process.env.WFLO_RUN_ID;
}
