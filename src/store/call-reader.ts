import type Database from 'better-sqlite3';
import type { CallOutcome, CallSort } from '../json/types.js';

/** A call row as the dashboard reads it (store units: nano-USD, ms since the epoch). */
export interface CallView {
  seq: number; attempt: number; tryNumber: number; retryOf: number | null; startedAt: number; endedAt: number | null;
  agent: string | null; provider: string; model: string; responseModel: string | null; endpoint: string; stream: boolean;
  outcome: CallOutcome; inputTokens: number; cachedInputTokens: number; cacheWriteTokens: number; outputTokens: number;
  reasoningTokens: number; costNano: number; reservedNano: number; latencyMs: number | null; waitedMs: number | null;
  outputCap: number | null; httpStatus: number | null; error: string | null; superseded: boolean;
}

/** A page of calls: which, in what order. */
export interface CallQuery { offset: number; limit: number; sort: CallSort; order: 'asc' | 'desc'; outcome: CallOutcome | null }

interface CallRow {
  seq: number; attempt: number; try_number: number; retry_of: number | null; started_at: number; ended_at: number | null;
  agent: string | null; provider: string; model: string; response_model: string | null; endpoint: string; stream: number;
  outcome: CallOutcome; input_tokens: number; cached_input_tokens: number; cache_write_tokens: number; output_tokens: number;
  reasoning_tokens: number; cost_nano: number; reserved_nano: number; latency_ms: number | null; waited_ms: number | null;
  output_cap: number | null; http_status: number | null; error: string | null; superseded: number;
}

/** The outcome of a call from its columns, most telling first (a refused call never ran; a replay cost nothing). */
const OUTCOME = `CASE WHEN status = 'denied' THEN 'refused' WHEN status = 'replayed' THEN 'replayed' WHEN status = 'in_flight' THEN 'in_flight'
  WHEN status = 'estimated' OR estimated = 1 THEN 'estimated' WHEN status = 'error' THEN 'error'
  WHEN output_cap IS NOT NULL THEN 'capped' ELSE 'ok' END`;

/**
 * Sort keys to SQL expressions: the only text that enters the ORDER BY comes from this table,
 * never from the request; every value is bound.
 */
const SORT_SQL: Readonly<Record<CallSort, string>> = {
  seq: 'seq', time: 'started_at', agent: 'agent', model: 'model', tokens: '(input_tokens + output_tokens)',
  cost: 'cost_nano', latency: 'latency_ms', status: 'outcome',
};

function toView(r: CallRow): CallView {
  return {
    seq: r.seq, attempt: r.attempt, tryNumber: r.try_number, retryOf: r.retry_of, startedAt: r.started_at, endedAt: r.ended_at,
    agent: r.agent, provider: r.provider, model: r.model, responseModel: r.response_model, endpoint: r.endpoint, stream: r.stream === 1,
    outcome: r.outcome, inputTokens: r.input_tokens, cachedInputTokens: r.cached_input_tokens, cacheWriteTokens: r.cache_write_tokens,
    outputTokens: r.output_tokens, reasoningTokens: r.reasoning_tokens, costNano: r.cost_nano, reservedNano: r.reserved_nano,
    latencyMs: r.latency_ms, waitedMs: r.waited_ms, outputCap: r.output_cap, httpStatus: r.http_status, error: r.error, superseded: r.superseded === 1,
  };
}

/** One moment of a run's spend: a call landed (or was recorded) at `at` and cost `costNano`. */
export interface SpendStep { at: number; costNano: number }

/** A call worth a mark on the chart: refused, or fitted to the budget. */
export interface MarkedCall { seq: number; at: number; denied: boolean; error: string | null; outputCap: number | null }

/** Reads a run's calls for the dashboard: pages, spend over time, and the calls worth marking. */
export class CallReader {
  constructor(private readonly db: Database.Database) {}

  /** How many of the run's calls have this outcome (or any). */
  count(runId: string, outcome: CallOutcome | null): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM llm_calls WHERE run_id = ? AND (? IS NULL OR ${OUTCOME} = ?)`)
      .get(runId, outcome, outcome) as { n: number }).n;
  }

  /** One page of the run's calls, sorted (ties in call order). */
  page(runId: string, q: CallQuery): CallView[] {
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const rows = this.db.prepare(`SELECT *, ${OUTCOME} AS outcome FROM llm_calls WHERE run_id = ? AND (? IS NULL OR ${OUTCOME} = ?)
      ORDER BY ${SORT_SQL[q.sort]} ${order}, seq ${order} LIMIT ? OFFSET ?`).all(runId, q.outcome, q.outcome, q.limit, q.offset) as CallRow[];
    return rows.map(toView);
  }

  /**
   * Every call's cost at the time it counted (landed, or recorded while in flight), in time
   * order: two numbers a call, so even a run of 50,000 calls is read in a few milliseconds.
   */
  spendSteps(runId: string): SpendStep[] {
    return this.db.prepare('SELECT COALESCE(ended_at, started_at) AS at, cost_nano AS costNano FROM llm_calls WHERE run_id = ? ORDER BY at, seq')
      .all(runId) as SpendStep[];
  }

  /** Refused calls and calls fitted to the budget, in time order, at most `limit` of each. */
  markedCalls(runId: string, limit: number): { calls: MarkedCall[]; denied: number; capped: number } {
    const denied = this.db.prepare(`SELECT seq, started_at AS at, 1 AS denied, error, NULL AS outputCap FROM llm_calls
      WHERE run_id = ? AND status = 'denied' ORDER BY started_at, seq LIMIT ?`).all(runId, limit) as Array<Omit<MarkedCall, 'denied'> & { denied: number }>;
    const capped = this.db.prepare(`SELECT seq, started_at AS at, 0 AS denied, NULL AS error, output_cap AS outputCap FROM llm_calls
      WHERE run_id = ? AND output_cap IS NOT NULL AND status != 'denied' ORDER BY started_at, seq LIMIT ?`).all(runId, limit) as Array<Omit<MarkedCall, 'denied'> & { denied: number }>;
    const counts = this.db.prepare(`SELECT COALESCE(SUM(status = 'denied'), 0) AS denied, COALESCE(SUM(output_cap IS NOT NULL AND status != 'denied'), 0) AS capped
      FROM llm_calls WHERE run_id = ?`).get(runId) as { denied: number; capped: number };
    const calls = [...denied, ...capped].map((c) => ({ ...c, denied: c.denied === 1 })).sort((a, b) => a.at - b.at || a.seq - b.seq);
    return { calls, ...counts };
  }

  /** When each attempt after the first made its first call: where a resumed run picked up again. */
  resumes(runId: string): Array<{ attempt: number; at: number }> {
    return this.db.prepare('SELECT attempt, MIN(started_at) AS at FROM llm_calls WHERE run_id = ? AND attempt > 1 GROUP BY attempt ORDER BY attempt')
      .all(runId) as Array<{ attempt: number; at: number }>;
  }
}
