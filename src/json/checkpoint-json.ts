import { nanoToUsd } from '../ledger/money.js';
import type { CheckpointRecord } from '../store/checkpoint-store.js';
import type { CheckpointJson } from './types.js';

/** A checkpoint's place in its run: superseded by a rollback, the head, or an earlier one still in the timeline. */
export function checkpointStatus(c: CheckpointRecord, head: string | null): CheckpointJson['status'] {
  return c.superseded ? 'superseded' : c.id === head ? 'head' : 'active';
}

/** A checkpoint as `wflo checkpoints <run-id> --json` lists it. */
export function checkpointJson(c: CheckpointRecord, head: string | null): CheckpointJson {
  return {
    id: c.id, runId: c.runId, name: c.name, seq: c.seq, createdAt: new Date(c.createdAt).toISOString(),
    spentUsd: nanoToUsd(c.spentNano), sizeBytes: c.sizeBytes, status: checkpointStatus(c, head),
  };
}
