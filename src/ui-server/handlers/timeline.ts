import { nanoToUsd } from '../../ledger/money.js';
import type { MarkerJson, MarkerKind, TimelineJson } from '../../json/types.js';
import { CallReader } from '../../store/call-reader.js';
import { CheckpointStore } from '../../store/checkpoint-store.js';
import { GuardStore } from '../../store/guard-store.js';
import { refusalKind } from '../../store/refusal-kind.js';
import { RunStore } from '../../store/run-store.js';
import { shownStatus } from '../../store/run-status.js';
import type { ApiHandler } from '../api-context.js';
import { notFound } from '../http-error.js';
import { intParam } from '../query.js';
import { spendCurve } from '../timeline.js';

/** Marks of one kind beyond this many are counted, not drawn: a chart with thousands of lines says nothing. */
export const MARKERS_PER_KIND = 500;

function mark(at: number, kind: MarkerKind, label: string, seq: number | null = null, checkpointId: string | null = null): MarkerJson {
  return { at, kind, label, seq, checkpointId };
}

/**
 * `GET /api/runs/{id}/timeline`: the run's spend over time, downsampled to `points`, with the
 * moments worth marking. What the store records decides what can be marked: checkpoints, refused
 * calls (by budget, loop or open circuit, told apart by their message), calls fitted to the
 * budget, breakers this run left open, attempts resumed, and the end of the run. A loop warning
 * that was not followed by a refusal, and a circuit that opened and closed again, leave no row.
 */
export const getTimeline: ApiHandler = ({ params, query }, { db }) => {
  const runId = params.id ?? '';
  const points = intParam(query, 'points', { fallback: 600, min: 2, max: 10_000 });
  const run = new RunStore(db).getRun(runId);
  if (!run) throw notFound('run', runId);
  const reader = new CallReader(db);
  // The curve is a point at the start and one per stretch of time: `points` in all.
  const spend = reader.spendBuckets(runId, Math.max(1, points - 1));
  const counts: Record<MarkerKind, number> = { checkpoint: 0, refusal: 0, cap: 0, loop: 0, circuit: 0, resume: 0, stop: 0 };
  const markers: MarkerJson[] = [];
  const add = (m: MarkerJson): void => {
    counts[m.kind]++;
    if (counts[m.kind] <= MARKERS_PER_KIND) markers.push(m);
  };
  for (const c of new CheckpointStore(db).list(runId)) add(mark(c.createdAt, 'checkpoint', `checkpoint ${c.seq} "${c.name}"${c.superseded ? ' (superseded)' : ''}`, null, c.id));
  const marked = reader.markedCalls(runId, MARKERS_PER_KIND * 3);
  for (const c of marked.calls) {
    if (!c.denied) { add(mark(c.at, 'cap', `call #${c.seq} fitted to the budget: output limit ${c.outputCap ?? '?'}`, c.seq)); continue; }
    add(mark(c.at, refusalKind(c.error), `call #${c.seq} refused: ${c.error ?? 'no reason recorded'}`, c.seq));
  }
  // Marked calls were read up to a limit: the true totals of refusals and caps come from their counts.
  counts.cap = Math.max(counts.cap, marked.capped);
  const refusedShown = counts.refusal + counts.loop + counts.circuit;
  if (marked.denied > refusedShown) counts.refusal += marked.denied - refusedShown;
  for (const c of new GuardStore(db).circuits()) {
    if (c.runId === runId && c.state !== 'closed') add(mark(c.updatedAt, 'circuit', `circuit ${c.name} ${c.state}${c.lastError ? ` (last: ${c.lastError})` : ''}`));
  }
  for (const r of reader.resumes(runId)) add(mark(r.at, 'resume', `attempt ${r.attempt} (resumed)`));
  if (run.endedAt !== null) add(mark(run.endedAt, 'stop', `${shownStatus(run)}${run.exitCode === null ? '' : `, exit ${run.exitCode}`}${run.error ? `: ${run.error}` : ''}`));
  markers.sort((a, b) => a.at - b.at);
  const curve = spendCurve(spend.buckets, run.startedAt);
  const body: TimelineJson = {
    runId, budgetUsd: run.budgetNano === null ? null : nanoToUsd(run.budgetNano), spentUsd: nanoToUsd(run.spentNano),
    startedAt: run.startedAt, endedAt: run.endedAt, calls: spend.calls, points: curve, markers, markerCounts: counts,
  };
  return { body };
};
