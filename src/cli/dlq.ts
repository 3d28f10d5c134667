import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { deadLetterJson } from '../json/guard-json.js';
import { GuardStore } from '../store/guard-store.js';
import { RunStore } from '../store/run-store.js';
import { asStoreError } from '../store/store-failure.js';
import type { DeadLetter } from '../store/types.js';
import type { CliContext } from './context.js';
import { openExistingStore, unknownRun } from './run-lookup.js';

export interface DlqFlags { json?: boolean; db?: string; limit?: string }

/** How much of a request summary fits a table cell. */
const SUMMARY_CHARS = 60;

/** `wflo dlq [run-id]`: calls wflo gave up on after their attempts, newest first. */
export function dlqCommand(runId: string | undefined, flags: DlqFlags, ctx: CliContext): number {
  const limit = flags.limit === undefined ? 50 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, got "${flags.limit}"`);
  const { db, path } = openExistingStore(ctx, flags.db);
  let letters: DeadLetter[];
  try {
    if (runId !== undefined && !new RunStore(db).getRun(runId)) throw unknownRun(runId);
    letters = new GuardStore(db).deadLetters(runId, limit);
  } catch (err) {
    throw asStoreError(path, err);
  } finally {
    db.close();
  }
  if (flags.json) { ctx.stdout.write(`${JSON.stringify(letters.map(deadLetterJson), null, 2)}\n`); return 0; }
  if (letters.length === 0) { ctx.stdout.write(runId === undefined ? 'no dead letters\n' : `no dead letters in run ${runId}\n`); return 0; }
  const table = new Table({ head: ['when', 'run', 'calls', 'agent', 'model', 'attempts', 'status', 'error', 'request'], style: { head: ['bold'] } });
  for (const d of letters) {
    const summary = d.summary.length > SUMMARY_CHARS ? `${d.summary.slice(0, SUMMARY_CHARS)}…` : d.summary;
    table.push([new Date(d.createdAt).toISOString(), d.runId, d.firstSeq === d.lastSeq ? `#${d.firstSeq}` : `#${d.firstSeq}–#${d.lastSeq}`, d.agent ?? '—',
      `${d.provider}/${d.model}`, String(d.attempts), d.httpStatus === null ? '—' : String(d.httpStatus), d.error, summary]);
  }
  ctx.stdout.write(`${table.toString()}\n`);
  return 0;
}
