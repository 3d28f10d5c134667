import type Database from 'better-sqlite3';
import type { Nano } from '../ledger/money.js';
import { agentBreakdown } from './run-call-totals.js';
import type { AgentBreakdown, CircuitRecord, DeadLetter, ToolCallRecord, ToolStats } from './types.js';

/** Billed calls, as in RunStore: not the refused ones, not the ones served from the journal. */
const BILLED = `status NOT IN ('denied', 'replayed')`;

interface CircuitRow { name: string; kind: string; state: string; snapshot: string; retry_at: number | null; last_error: string | null; run_id: string | null; updated_at: number }
interface DeadLetterRow {
  id: number; run_id: string; first_seq: number; last_seq: number; attempts: number; provider: string; model: string; endpoint: string;
  agent: string | null; summary: string; http_status: number | null; error: string; created_at: number;
}

function toCircuit(row: CircuitRow): CircuitRecord {
  return {
    name: row.name, kind: row.kind === 'burn-rate' ? 'burn-rate' : 'provider',
    state: row.state === 'open' || row.state === 'half-open' ? row.state : 'closed',
    snapshot: row.snapshot, retryAt: row.retry_at, lastError: row.last_error, runId: row.run_id, updatedAt: row.updated_at,
  };
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id, runId: row.run_id, firstSeq: row.first_seq, lastSeq: row.last_seq, attempts: row.attempts,
    provider: row.provider === 'anthropic' ? 'anthropic' : 'openai', model: row.model, endpoint: row.endpoint as DeadLetter['endpoint'],
    agent: row.agent, summary: row.summary, httpStatus: row.http_status, error: row.error, createdAt: row.created_at,
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What the guards keep: tool calls, breakers (across runs), dead letters, and spend by agent. */
export class GuardStore {
  private readonly insertToolStmt: Database.Statement;
  private readonly saveCircuitStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertToolStmt = db.prepare(`INSERT INTO tool_calls (run_id, source, call_seq, agent, name, args, ok, duration_ms, error, created_at)
      VALUES (@runId, @source, @callSeq, @agent, @name, @args, @ok, @durationMs, @error, @createdAt)`);
    this.saveCircuitStmt = db.prepare(`INSERT INTO circuits (name, kind, state, snapshot, retry_at, last_error, run_id, updated_at)
      VALUES (@name, @kind, @state, @snapshot, @retryAt, @lastError, @runId, @updatedAt)
      ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, state = excluded.state, snapshot = excluded.snapshot, retry_at = excluded.retry_at,
        last_error = COALESCE(excluded.last_error, circuits.last_error), run_id = excluded.run_id, updated_at = excluded.updated_at`);
  }

  insertToolCall(t: ToolCallRecord): void {
    this.insertToolStmt.run({ ...t, ok: t.ok === null ? null : t.ok ? 1 : 0 });
  }

  /** Per tool: asked for by responses, run through tool(), successes, median duration. Most used first. */
  toolStats(runId: string): ToolStats[] {
    const rows = this.db.prepare('SELECT name, source, ok, duration_ms AS ms FROM tool_calls WHERE run_id = ? ORDER BY name')
      .all(runId) as Array<{ name: string; source: string; ok: number | null; ms: number | null }>;
    const byName = new Map<string, { asked: number; runs: number; ok: number; failed: number; times: number[] }>();
    for (const row of rows) {
      const t = byName.get(row.name) ?? { asked: 0, runs: 0, ok: 0, failed: 0, times: [] };
      byName.set(row.name, t);
      if (row.source === 'model') { t.asked++; continue; }
      t.runs++;
      if (row.ok === 1) t.ok++; else t.failed++;
      if (row.ms !== null) t.times.push(row.ms);
    }
    return [...byName].map(([name, t]) => ({
      name, asked: t.asked, runs: t.runs, succeeded: t.ok, failed: t.failed, medianMs: median(t.times.sort((a, b) => a - b)),
    })).sort((a, b) => (b.asked + b.runs) - (a.asked + a.runs) || (a.name < b.name ? -1 : 1));
  }

  /** The run's billed spend by agent (calls outside any agent under "(none)"), dearest first, with each agent's budget. */
  byAgent(runId: string, budgets: ReadonlyMap<string, Nano> = new Map()): AgentBreakdown[] {
    const rows = this.db.prepare(`SELECT agent, COUNT(*) AS calls, COALESCE(SUM(cost_nano), 0) AS costNano FROM llm_calls
      WHERE run_id = ? AND ${BILLED} GROUP BY agent ORDER BY costNano DESC, agent`).all(runId) as Array<{ agent: string | null; calls: number; costNano: number }>;
    return agentBreakdown(rows, budgets);
  }

  /** What each agent of the run has spent so far (all attempts), for a resumed run's agent budgets. */
  agentSpent(runId: string): Map<string, Nano> {
    const rows = this.db.prepare(`SELECT agent, COALESCE(SUM(cost_nano), 0) AS spent FROM llm_calls WHERE run_id = ? AND agent IS NOT NULL GROUP BY agent`)
      .all(runId) as Array<{ agent: string; spent: number }>;
    return new Map(rows.map((r) => [r.agent, r.spent]));
  }

  saveCircuit(c: CircuitRecord): void {
    this.saveCircuitStmt.run(c);
  }

  circuits(): CircuitRecord[] {
    return (this.db.prepare('SELECT * FROM circuits ORDER BY name').all() as CircuitRow[]).map(toCircuit);
  }

  circuit(name: string): CircuitRecord | undefined {
    const row = this.db.prepare('SELECT * FROM circuits WHERE name = ?').get(name) as CircuitRow | undefined;
    return row ? toCircuit(row) : undefined;
  }

  /** Breakers open now (their cooldown not yet over). */
  openCircuits(now: number): string[] {
    return (this.db.prepare("SELECT name FROM circuits WHERE state = 'open' AND retry_at > ? ORDER BY name").all(now) as Array<{ name: string }>).map((r) => r.name);
  }

  /** Forgets a breaker: the next call finds it closed. False when there is none by that name. */
  resetCircuit(name: string): boolean {
    return this.db.prepare('DELETE FROM circuits WHERE name = ?').run(name).changes > 0;
  }

  addDeadLetter(d: DeadLetter): void {
    this.db.prepare(`INSERT INTO dead_letters (run_id, first_seq, last_seq, attempts, provider, model, endpoint, agent, summary, http_status, error, created_at)
      VALUES (@runId, @firstSeq, @lastSeq, @attempts, @provider, @model, @endpoint, @agent, @summary, @httpStatus, @error, @createdAt)`).run(d);
  }

  /** Files a dead letter for calls of the run: provider, model, endpoint and agent are the first attempt's. */
  addDeadLetterFor(runId: string, d: Pick<DeadLetter, 'firstSeq' | 'lastSeq' | 'attempts' | 'httpStatus' | 'error' | 'summary' | 'createdAt'>): void {
    this.db.prepare(`INSERT INTO dead_letters (run_id, first_seq, last_seq, attempts, provider, model, endpoint, agent, summary, http_status, error, created_at)
      SELECT run_id, @firstSeq, @lastSeq, @attempts, provider, model, endpoint, agent, @summary, @httpStatus, @error, @createdAt
      FROM llm_calls WHERE run_id = @runId AND seq = @firstSeq`).run({ runId, ...d });
  }

  /** Dead letters of one run, or of every run; newest first. */
  deadLetters(runId?: string, limit = 100): DeadLetter[] {
    const rows = (runId === undefined
      ? this.db.prepare('SELECT * FROM dead_letters ORDER BY created_at DESC, id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM dead_letters WHERE run_id = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(runId, limit)) as DeadLetterRow[];
    return rows.map(toDeadLetter);
  }

  deadLetterCount(runId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM dead_letters WHERE run_id = ?').get(runId) as { n: number }).n;
  }
}
