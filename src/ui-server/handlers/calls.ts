import { nanoToUsd } from '../../ledger/money.js';
import type { CallJson, CallOutcome, CallPageJson, CallSort } from '../../json/types.js';
import { CallReader, type CallView } from '../../store/call-reader.js';
import type { ApiHandler } from '../api-context.js';
import { notFound } from '../http-error.js';
import { enumParam, intParam } from '../query.js';

export const CALL_SORTS: readonly CallSort[] = ['seq', 'time', 'agent', 'model', 'tokens', 'cost', 'latency', 'status'];
export const CALL_OUTCOMES: readonly CallOutcome[] = ['ok', 'error', 'estimated', 'replayed', 'refused', 'capped', 'in_flight'];
/** The most calls one page may hold. */
export const MAX_CALLS_PAGE = 1000;

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function callJson(c: CallView): CallJson {
  return {
    seq: c.seq, attempt: c.attempt, tryNumber: c.tryNumber, retryOf: c.retryOf, startedAt: new Date(c.startedAt).toISOString(), endedAt: iso(c.endedAt),
    agent: c.agent, provider: c.provider, model: c.model, responseModel: c.responseModel, endpoint: c.endpoint, stream: c.stream, status: c.outcome,
    inputTokens: c.inputTokens, cachedInputTokens: c.cachedInputTokens, cacheWriteTokens: c.cacheWriteTokens, outputTokens: c.outputTokens,
    reasoningTokens: c.reasoningTokens, costUsd: nanoToUsd(c.costNano), reservedUsd: nanoToUsd(c.reservedNano), latencyMs: c.latencyMs,
    waitedMs: c.waitedMs, outputCap: c.outputCap, httpStatus: c.httpStatus, error: c.error, superseded: c.superseded,
  };
}

/** `GET /api/runs/{id}/calls`: one page of the run's LLM calls, sorted and filtered by outcome on the server. */
export const listCalls: ApiHandler = ({ params, query }, { db }) => {
  const runId = params.id ?? '';
  const offset = intParam(query, 'offset', { fallback: 0, min: 0, max: Number.MAX_SAFE_INTEGER });
  const limit = intParam(query, 'limit', { fallback: 50, min: 1, max: MAX_CALLS_PAGE });
  const sort = enumParam(query, 'sort', CALL_SORTS, 'seq');
  const order = enumParam(query, 'order', ['asc', 'desc'] as const, 'asc');
  const status = enumParam(query, 'status', CALL_OUTCOMES, null);
  const reader = new CallReader(db);
  // The calls table is what the run page waits on first: no count and sum of the run's calls just to see that it exists.
  if (!reader.hasRun(runId)) throw notFound('run', runId);
  const page: CallPageJson = {
    runId, total: reader.count(runId, status), offset, limit, sort, order, status,
    calls: reader.page(runId, { offset, limit, sort, order, outcome: status }).map(callJson),
  };
  return { body: page };
};
