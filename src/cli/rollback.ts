import { UsageError } from '../errors.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { RunStore } from '../store/run-store.js';
import { asStoreError } from '../store/store-failure.js';
import type { CliContext } from './context.js';
import { openExistingStore, requireStopped } from './run-lookup.js';

export interface RollbackFlags { db?: string; json?: boolean }

/** `wflo rollback <checkpoint-id>`: the checkpoint becomes its run's head; what came after is kept, superseded. */
export function rollbackCommand(checkpointId: string, flags: RollbackFlags, ctx: CliContext): number {
  const { db, path: dbPath } = openExistingStore(ctx, flags.db);
  try {
    // IMMEDIATE: the "not running" check and the rollback are one step, so a resume cannot start in between.
    const { run, checkpoint, superseded } = db.transaction(() => {
      const checkpoints = new CheckpointStore(db);
      const checkpoint = checkpoints.get(checkpointId);
      if (!checkpoint) throw new UsageError(`no checkpoint with id "${checkpointId}" (see \`wflo checkpoints <run-id>\`)`);
      const run = new RunStore(db).getRun(checkpoint.runId);
      if (!run) throw new UsageError(`checkpoint ${checkpointId} belongs to no run`);
      requireStopped(run, 'roll it back');
      if (checkpoint.superseded) {
        throw new UsageError(`checkpoint ${checkpointId} is superseded (an earlier rollback went behind it); roll back to an active checkpoint`);
      }
      return { run, checkpoint, superseded: checkpoints.rollback(checkpoint) };
    }).immediate();
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify({ runId: run.id, head: checkpoint.id, seq: checkpoint.seq, supersededCheckpoints: superseded })}\n`);
    } else {
      ctx.stdout.write(`run ${run.id} rolled back to checkpoint ${checkpoint.seq} "${checkpoint.name}" (${checkpoint.id}); `
        + `${superseded} later checkpoint${superseded === 1 ? '' : 's'} superseded.\ncontinue with: wflo resume ${run.id}\n`);
    }
    return 0;
  } catch (err) {
    throw asStoreError(dbPath, err);
  } finally {
    db.close();
  }
}
