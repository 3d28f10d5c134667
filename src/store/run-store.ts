import type Database from 'better-sqlite3';
import type { Nano } from '../ledger/money.js';
import { UsageError } from '../errors.js';
import { redactArguments } from '../protocol/redact.js';
import { isProcessAlive } from './process-alive.js';
import type { CallSettlement, ModelBreakdown, NewCall, RunRecord, RunStatus } from './types.js';

interface RunRow {
  id: string; script: string; args: string; cwd: string; status: string; exit_code: number | null;
  budget_nano: number | null; calls_spent_nano: number; on_budget: string; simulated: number; supervisor_pid: number;
  error: string | null; started_at: number; ended_at: number | null; llm_calls: number;
  attempts: number; head_checkpoint: string | null; journal: number; agent_budgets: string;
}

/** Billed calls: not the refused ones, not the ones served from the journal. */
const BILLED = `status NOT IN ('denied', 'replayed')`;
// Spent is the sum of the run's calls (in-flight ones at their reservation): right even if wflo died mid-run.
const RUN_COLUMNS = `r.*, (SELECT COUNT(*) FROM llm_calls c WHERE c.run_id = r.id AND c.${BILLED}) AS llm_calls,
  (SELECT COALESCE(SUM(c.cost_nano), 0) FROM llm_calls c WHERE c.run_id = r.id) AS calls_spent_nano,
  (SELECT k.id FROM checkpoints k WHERE k.run_id = r.id AND k.superseded = 0 ORDER BY k.seq DESC LIMIT 1) AS head_checkpoint`;

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    script: row.script,
    args: JSON.parse(row.args) as string[],
    cwd: row.cwd,
    status: row.status as RunStatus,
    exitCode: row.exit_code,
    budgetNano: row.budget_nano,
    // Not runs.spent_nano: that is written when a run ends, and a run whose wflo died never ends.
    spentNano: row.calls_spent_nano,
    onBudget: row.on_budget === 'error' ? 'error' : 'stop',
    simulated: row.simulated === 1,
    supervisorPid: row.supervisor_pid,
    error: row.error,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    llmCalls: row.llm_calls,
    attempts: row.attempts,
    headCheckpoint: row.head_checkpoint,
    journal: row.journal === 1,
    agentBudgets: JSON.parse(row.agent_budgets) as Record<string, Nano>,
  };
}

/** Runs and LLM calls in SQLite. Every value is bound; rows become domain types only here. */
export class RunStore {
  private readonly insertCallStmt: Database.Statement;
  private readonly settleCallStmt: Database.Statement;
  private readonly insertSettledStmt: Database.Statement;
  private readonly rememberContextStmt: Database.Statement;
  private contextStmt: Database.Statement | undefined;
  /** Built once: better-sqlite3 makes a new wrapper per db.transaction() call. Nested in a transaction, it is a savepoint. */
  private readonly inTransaction: <T>(work: () => T) => T;
  private readonly savepoint: <T>(work: () => T) => T;

  constructor(private readonly db: Database.Database) {
    // Positional parameters: binding an object by name costs more than the insert itself.
    this.insertCallStmt = db.prepare(`INSERT INTO llm_calls
      (run_id, seq, pid, provider, model, endpoint, stream, status, priced, reserved_nano, cost_nano, estimated, started_at, error, attempt, after_checkpoint_seq, output_cap, waited_ms, agent, retry_of, try_number, hook_call)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertSettledStmt = db.prepare(`INSERT INTO llm_calls
      (run_id, seq, pid, provider, model, endpoint, stream, status, priced, reserved_nano, cost_nano, estimated, started_at, error, attempt, after_checkpoint_seq,
       output_cap, waited_ms, agent, retry_of, try_number, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
       http_status, latency_ms, response_model, ended_at, hook_call)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.rememberContextStmt = db.prepare('INSERT OR REPLACE INTO response_context (run_id, ref, tokens) VALUES (?, ?, ?)');
    this.settleCallStmt = db.prepare(`UPDATE llm_calls SET status = ?, estimated = ?,
      input_tokens = ?, cached_input_tokens = ?, cache_write_tokens = ?, output_tokens = ?, reasoning_tokens = ?, cost_nano = ?,
      http_status = ?, latency_ms = ?, response_model = ?, error = ?, ended_at = ?
      WHERE run_id = ? AND seq = ?`);
    const wrapped = db.transaction((work: () => unknown) => work());
    this.inTransaction = <T>(work: () => T): T => wrapped(work) as T;
    this.savepoint = this.inTransaction;
  }

  /**
   * Runs `work` in one transaction (e.g. a call's settlement and its journal entry). Inside one
   * already (a batch), it is part of that: the batch is undone whole if `work` throws.
   */
  transaction<T>(work: () => T): T {
    return this.db.inTransaction ? work() : this.inTransaction(work);
  }

  /**
   * Runs `work` in the open group transaction (begun if none is), as a savepoint: a batch that
   * fails is undone alone, the batches before it stay. Nothing is durable until `commit()`.
   */
  grouped<T>(work: () => T): T {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    return this.savepoint(work);
  }

  /** Commits the open group, if any. A commit that fails is rolled back whole and rethrown. */
  commit(): void {
    if (!this.db.inTransaction) return;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  createRun(run: Omit<RunRecord, 'llmCalls' | 'endedAt' | 'exitCode' | 'error' | 'attempts' | 'headCheckpoint'>): void {
    this.db.prepare(`INSERT INTO runs (id, script, args, cwd, status, budget_nano, spent_nano, on_budget, simulated, supervisor_pid, started_at, journal, agent_budgets)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(run.id, run.script, JSON.stringify(redactArguments(run.args)), run.cwd, run.status,
      run.budgetNano, run.spentNano, run.onBudget, run.simulated ? 1 : 0, run.supervisorPid, run.startedAt, run.journal ? 1 : 0, JSON.stringify(run.agentBudgets));
  }

  /** Starts another attempt of an existing run (resume). Returns the attempt number. */
  reopenRun(id: string, o: { budgetNano: Nano | null; supervisorPid: number; journal: boolean; agentBudgets: Record<string, Nano> }): number {
    // IMMEDIATE: the check and the claim are one step, so of two resumes started at once exactly one goes on.
    return this.db.transaction(() => {
      const run = this.db.prepare('SELECT status, supervisor_pid AS pid FROM runs WHERE id = ?').get(id) as { status: string; pid: number } | undefined;
      if (run?.status === 'running' && run.pid !== o.supervisorPid && isProcessAlive(run.pid)) {
        throw new UsageError(`run ${id} is already running (wflo pid ${run.pid}); stop it before you resume it`);
      }
      this.db.prepare(`UPDATE runs SET status = 'running', exit_code = NULL, error = NULL, ended_at = NULL, attempts = attempts + 1,
        budget_nano = ?, supervisor_pid = ?, journal = ?, agent_budgets = ? WHERE id = ?`).run(o.budgetNano, o.supervisorPid, o.journal ? 1 : 0, JSON.stringify(o.agentBudgets), id);
      return (this.db.prepare('SELECT attempts FROM runs WHERE id = ?').get(id) as { attempts: number }).attempts;
    }).immediate();
  }

  /** The next call number of a run (calls are numbered across all its attempts). */
  nextCallSeq(runId: string): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM llm_calls WHERE run_id = ?').get(runId) as { seq: number }).seq;
  }

  finishRun(id: string, outcome: { status: RunStatus; exitCode: number | null; error: string | null; spentNano: Nano; endedAt: number }): void {
    this.db.prepare('UPDATE runs SET status = ?, exit_code = ?, error = ?, spent_nano = ?, ended_at = ? WHERE id = ?')
      .run(outcome.status, outcome.exitCode, outcome.error, outcome.spentNano, outcome.endedAt, id);
  }

  /**
   * Records a call the moment it is granted or denied. An in-flight call is charged at its
   * reservation until settled, so the run's spend (the sum of its calls) survives a crash of wflo.
   */
  insertCall(call: NewCall): void {
    const inFlight = call.status === 'in_flight';
    this.insertCallStmt.run(call.runId, call.seq, call.pid, call.provider, call.model, call.endpoint, call.stream ? 1 : 0, call.status, call.priced ? 1 : 0,
      call.reservedNano, inFlight ? call.reservedNano : 0, inFlight ? 1 : 0, call.startedAt, call.error, call.attempt, call.afterCheckpointSeq,
      call.outputCap, call.waitedMs, call.agent, call.retryOf, call.tryNumber, call.hookCall);
  }

  /** Records a call that was started and has settled since: one row written once, as insertCall then settleCall would leave it. */
  insertSettledCall(call: NewCall, s: CallSettlement): void {
    const u = s.usage;
    this.insertSettledStmt.run(call.runId, call.seq, call.pid, call.provider, call.model, call.endpoint, call.stream ? 1 : 0, s.status, call.priced ? 1 : 0,
      call.reservedNano, s.costNano, s.estimated ? 1 : 0, call.startedAt, s.error, call.attempt, call.afterCheckpointSeq, call.outputCap, call.waitedMs,
      call.agent, call.retryOf, call.tryNumber, u?.inputTokens ?? 0, u?.cachedInputTokens ?? 0, u?.cacheWriteTokens ?? 0, u?.outputTokens ?? 0,
      u?.reasoningTokens ?? 0, s.httpStatus, s.latencyMs, s.responseModel, s.endedAt, call.hookCall);
  }

  settleCall(runId: string, seq: number, s: CallSettlement): void {
    const u = s.usage;
    this.settleCallStmt.run(s.status, s.estimated ? 1 : 0, u?.inputTokens ?? 0, u?.cachedInputTokens ?? 0, u?.cacheWriteTokens ?? 0,
      u?.outputTokens ?? 0, u?.reasoningTokens ?? 0, s.costNano, s.httpStatus, s.latencyMs, s.responseModel, s.error, s.endedAt, runId, seq);
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`).get(id) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  listRuns(limit: number): RunRecord[] {
    const rows = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`).all(limit) as RunRow[];
    return rows.map(toRun);
  }

  byModel(runId: string): ModelBreakdown[] {
    return this.db.prepare(`SELECT provider, model, COUNT(*) AS calls, SUM(input_tokens) AS inputTokens,
        SUM(cached_input_tokens) AS cachedInputTokens, SUM(output_tokens) AS outputTokens, SUM(cost_nano) AS costNano,
        SUM(estimated) AS estimatedCalls
      FROM llm_calls WHERE run_id = ? AND ${BILLED} GROUP BY provider, model ORDER BY costNano DESC, model`)
      .all(runId) as ModelBreakdown[];
  }

  /** Remembers what a stored response or output item can bring into a later request (tokens). */
  rememberContext(runId: string, ref: string, tokens: number): void {
    this.rememberContextStmt.run(runId, ref, tokens);
  }

  /** The tokens a stored response or item of the run can bring in, or undefined when wflo never saw it. */
  contextTokens(runId: string, ref: string): number | undefined {
    this.contextStmt ??= this.db.prepare('SELECT tokens FROM response_context WHERE run_id = ? AND ref = ?').pluck();
    return this.contextStmt.get(runId, ref) as number | undefined;
  }

  /** Calls (of one attempt, or all) that were fitted to the budget, and that waited for it before they were sent. */
  fitCounts(runId: string, attempt?: number): { capped: number; waited: number } {
    return this.db.prepare(`SELECT COUNT(output_cap) AS capped, COUNT(waited_ms) AS waited FROM llm_calls
      WHERE run_id = ? AND (? IS NULL OR attempt = ?) AND status != 'denied'`).get(runId, attempt ?? null, attempt ?? null) as { capped: number; waited: number };
  }

  /** Models of the run's calls (this attempt) that wflo had no price for: their cost is not counted. */
  unpricedModels(runId: string, attempt: number): string[] {
    return (this.db.prepare(`SELECT DISTINCT provider || '/' || model AS name FROM llm_calls WHERE run_id = ? AND attempt = ? AND priced = 0 AND ${BILLED} ORDER BY name`)
      .all(runId, attempt) as Array<{ name: string }>).map((r) => r.name);
  }

  /** Attempts wflo made again after a transient failure (this attempt of the run). */
  retriedCalls(runId: string, attempt: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM llm_calls WHERE run_id = ? AND attempt = ? AND try_number > 1').get(runId, attempt) as { n: number }).n;
  }

  /** How many calls of the run (this attempt, or all) ended with a status. */
  countCalls(runId: string, status: 'denied' | 'replayed', attempt?: number): number {
    const row = (attempt === undefined
      ? this.db.prepare('SELECT COUNT(*) AS n FROM llm_calls WHERE run_id = ? AND status = ?').get(runId, status)
      : this.db.prepare('SELECT COUNT(*) AS n FROM llm_calls WHERE run_id = ? AND status = ? AND attempt = ?').get(runId, status, attempt)) as { n: number };
    return row.n;
  }
}
