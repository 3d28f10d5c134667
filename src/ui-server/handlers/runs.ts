import { runDetailJson, runFacts, runJson } from '../../json/run-json.js';
import type { RunJson } from '../../json/types.js';
import { RunStore } from '../../store/run-store.js';
import { searchRunIds } from '../../store/run-search.js';
import type { RunStatus } from '../../store/types.js';
import type { ApiHandler } from '../api-context.js';
import { notFound } from '../http-error.js';
import { enumParam, intParam, textParam } from '../query.js';

/** Every status a run can show. */
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'budget_exceeded', 'loop_detected', 'interrupted'];

/** `GET /api/runs`: runs newest first, as `wflo status --json` lists them; the count before paging in X-Total-Count. */
export const listRuns: ApiHandler = ({ query }, { db }) => {
  const filter = { status: enumParam(query, 'status', RUN_STATUSES, null), script: textParam(query, 'script'), id: textParam(query, 'q') };
  const limit = intParam(query, 'limit', { fallback: 50, min: 1, max: 1000 });
  const offset = intParam(query, 'offset', { fallback: 0, min: 0, max: Number.MAX_SAFE_INTEGER });
  const ids = searchRunIds(db, filter);
  const store = new RunStore(db);
  const runs: RunJson[] = [];
  for (const id of ids.slice(offset, offset + limit)) {
    const run = store.getRun(id);
    if (run) runs.push(runJson(run));
  }
  return { body: runs, headers: { 'x-total-count': String(ids.length) } };
};

/** `GET /api/runs/{id}`: one run with its spend by model and agent, tools and outcome, as `wflo status <id> --json` prints it. */
export const getRun: ApiHandler = ({ params }, { db }) => {
  const id = params.id ?? '';
  const facts = runFacts(db, id);
  if (!facts) throw notFound('run', id);
  return { body: runDetailJson(facts) };
};
