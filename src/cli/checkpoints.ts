import chalk from 'chalk';
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { formatUsd } from '../ledger/money.js';
import { checkpointJson, checkpointStatus } from '../json/checkpoint-json.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { RunStore } from '../store/run-store.js';
import { asStoreError } from '../store/store-failure.js';
import type { CliContext } from './context.js';
import { openExistingStore, unknownRun } from './run-lookup.js';

export interface CheckpointsFlags { json?: boolean; db?: string }

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `wflo checkpoints <run-id>`: the run's checkpoints in order, with spend so far and status. */
export function checkpointsCommand(runId: string, flags: CheckpointsFlags, ctx: CliContext): number {
  const { db, path: dbPath } = openExistingStore(ctx, flags.db);
  try {
    const run = new RunStore(db).getRun(runId);
    if (!run) throw unknownRun(runId);
    const list = new CheckpointStore(db).list(run.id);
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(list.map((c) => checkpointJson(c, run.headCheckpoint)), null, 2)}\n`);
      return 0;
    }
    if (list.length === 0) { ctx.stdout.write(`run ${run.id} has no checkpoints\n`); return 0; }
    const table = new Table({ head: ['id', 'name', 'seq', 'size', 'spent so far', 'time', 'status'], style: { head: ['bold'] } });
    for (const c of list) {
      const status = checkpointStatus(c, run.headCheckpoint);
      const shown = status === 'superseded' ? chalk.dim(status) : status === 'head' ? chalk.green(status) : status;
      table.push([c.id, c.name, String(c.seq), sizeText(c.sizeBytes), formatUsd(c.spentNano), new Date(c.createdAt).toISOString(), shown]);
    }
    ctx.stdout.write(`${table.toString()}\n`);
    return 0;
  } catch (err) {
    throw asStoreError(dbPath, err);
  } finally {
    db.close();
  }
}

/** `wflo checkpoints show <checkpoint-id>`: the saved state as JSON. */
export function showCheckpointCommand(checkpointId: string, flags: CheckpointsFlags, ctx: CliContext): number {
  const { db, path: dbPath } = openExistingStore(ctx, flags.db);
  try {
    const store = new CheckpointStore(db);
    if (!store.get(checkpointId)) throw new UsageError(`no checkpoint with id "${checkpointId}" (see \`wflo checkpoints <run-id>\`)`);
    ctx.stdout.write(`${JSON.stringify(JSON.parse(store.state(checkpointId)), null, 2)}\n`);
    return 0;
  } catch (err) {
    throw asStoreError(dbPath, err);
  } finally {
    db.close();
  }
}
