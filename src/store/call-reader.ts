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

/** A stretch of a run's time: the last moment a call in it counted, and what its calls cost. */
export interface SpendBucket { at: number; costNano: number }

/** A run's spend cut into equal stretches of time between its first and last call; stretches without calls are left out. */
export interface SpendBuckets { calls: number; first: number | null; last: number | null; buckets: SpendBucket[] }

/** A call worth a mark on the chart: refused, or fitted to the budget. */
export interface MarkedCall { seq: number; at: number; denied: boolean; error: string | null; outputCap: number | null }

/** When a call counted: when it landed, or when it was recorded while in flight. */
const COUNTED_AT = 'COALESCE(ended_at, started_at)';

/** Reads a run's calls for the dashboard: pages, spend over time, and the calls worth marking. */
export class CallReader {
  constructor(private readonly db: Database.Database) {}

  /** Whether the run exists: one row read, where RunStore.getRun also counts and sums the run's calls. */
  hasRun(runId: string): boolean {
    return this.db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck().get(runId) !== undefined;
  }

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
   * The run's spend in `count` equal stretches of time from its first call to its last, summed by
   * SQLite: a run of 50,000 calls sends back at most `count` rows, not 50,000 (reading and sorting
   * every call took ~45 ms there; a scan for the span and a GROUP BY take ~25).
   */
  spendBuckets(runId: string, count: number): SpendBuckets {
    const span = this.db.prepare(`SELECT COUNT(*) AS calls, MIN(${COUNTED_AT}) AS first, MAX(${COUNTED_AT}) AS last FROM llm_calls WHERE run_id = ?`)
      .get(runId) as { calls: number; first: number | null; last: number | null };
    if (span.first === null || span.last === null) return { ...span, buckets: [] };
    const width = (span.last - span.first) / count;
    // Every call at one moment (zero width) is one stretch; the last moment belongs to the last stretch, not one past it.
    const buckets = this.db.prepare(`SELECT MAX(${COUNTED_AT}) AS at, SUM(cost_nano) AS costNano FROM llm_calls WHERE run_id = @run
      GROUP BY CASE WHEN @width = 0 THEN 0 ELSE MIN(@lastBucket, CAST((${COUNTED_AT} - @first) / @width AS INTEGER)) END ORDER BY at`)
      .all({ run: runId, width, first: span.first, lastBucket: count - 1 }) as SpendBucket[];
    return { ...span, buckets };
  }

  /**
   * Refused calls and calls fitted to the budget, in time order, at most `limit` of each, and how
   * many of each there are: one scan (a window numbers and counts each kind), where it took three.
   */
  markedCalls(runId: string, limit: number): { calls: MarkedCall[]; denied: number; capped: number } {
    const rows = this.db.prepare(`SELECT seq, at, denied, error, outputCap, total FROM (
        SELECT seq, started_at AS at, status = 'denied' AS denied, error, CASE WHEN status = 'denied' THEN NULL ELSE output_cap END AS outputCap,
          ROW_NUMBER() OVER (PARTITION BY status = 'denied' ORDER BY started_at, seq) AS nth, COUNT(*) OVER (PARTITION BY status = 'denied') AS total
        FROM llm_calls WHERE run_id = ? AND (status = 'denied' OR output_cap IS NOT NULL))
      WHERE nth <= ? ORDER BY at, seq`).all(runId, limit) as Array<Omit<MarkedCall, 'denied'> & { denied: number; total: number }>;
    const counts = { denied: 0, capped: 0 };
    const calls = rows.map(({ total, ...c }): MarkedCall => {
      if (c.denied === 1) counts.denied = total; else counts.capped = total;
      return { ...c, denied: c.denied === 1 };
    });
    return { calls, ...counts };
  }

  /** When each attempt after the first made its first call: where a resumed run picked up again. */
  resumes(runId: string): Array<{ attempt: number; at: number }> {
    return this.db.prepare('SELECT attempt, MIN(started_at) AS at FROM llm_calls WHERE run_id = ? AND attempt > 1 GROUP BY attempt ORDER BY attempt')
      .all(runId) as Array<{ attempt: number; at: number }>;
  }
}
