/**
 * What agent scripts import from 'wflo'. Everything here also works outside `wflo run`.
 */
import { refusalCode } from './refusal-code.js';

export { checkpoint, lastCheckpoint, listCheckpoints, type Checkpoint } from './checkpoint.js';
export { CheckpointStateError, WfloSdkError } from './errors.js';
export { agent, currentAgent, tool } from './agents.js';
export { BudgetExceededError, CircuitOpenError, LoopDetectedError } from './refusals.js';

/** True when wflo refused the call (budget, unknown price, run stopping, no supervisor). */
export function isWfloRefusal(err: unknown): boolean {
  return refusalCode(err) !== undefined;
}

/** The run's id when running under `wflo run`, else undefined. */
export function runId(): string | undefined {
  return process.env.WFLO_RUN_ID;
}
