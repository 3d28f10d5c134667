import { circuitJson, deadLetterJson } from '../../json/guard-json.js';
import { GuardStore } from '../../store/guard-store.js';
import { RunStore } from '../../store/run-store.js';
import type { ApiHandler } from '../api-context.js';
import { notFound } from '../http-error.js';
import { intParam, textParam } from '../query.js';

/** `GET /api/circuits`: every stored breaker in its state now, as `wflo circuits --json` lists them. */
export const listCircuits: ApiHandler = (_req, { db, now }) => {
  const at = now();
  return { body: new GuardStore(db).circuits().map((c) => circuitJson(c, at)) };
};

/** `GET /api/dlq`: calls given up on after their retries, newest first, as `wflo dlq [run-id] --json` lists them. */
export const listDeadLetters: ApiHandler = ({ query }, { db }) => {
  const runId = textParam(query, 'run');
  const limit = intParam(query, 'limit', { fallback: 50, min: 1, max: 1000 });
  if (runId !== null && !new RunStore(db).getRun(runId)) throw notFound('run', runId);
  return { body: new GuardStore(db).deadLetters(runId ?? undefined, limit).map(deadLetterJson) };
};
