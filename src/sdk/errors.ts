/** A checkpoint state that is not JSON data. `path` names the bad value, e.g. `state.items[2].fn`. */
export class CheckpointStateError extends TypeError {
  readonly code = 'wflo_bad_checkpoint_state';

  constructor(readonly path: string, readonly reason: string) {
    super(`wflo: cannot checkpoint ${path}: ${reason}. Checkpoint state must be JSON data (plain objects, arrays, strings, finite numbers, booleans, null).`);
    this.name = 'CheckpointStateError';
  }
}

/** The supervisor could not do what the SDK asked (e.g. it went away). */
export class WfloSdkError extends Error {
  readonly code = 'wflo_sdk';

  constructor(message: string, options?: { cause?: unknown }) {
    super(`wflo: ${message}`, options);
    this.name = 'WfloSdkError';
  }
}
