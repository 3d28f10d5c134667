import os from 'node:os';
import path from 'node:path';
import type { ResolvedRunOptions } from '../config/run-options.js';
import { EXIT, StoreError, WfloError } from '../errors.js';
import { Ledger } from '../ledger/ledger.js';
import { PriceBook } from '../pricing/price-book.js';
import type { CheckpointStore } from '../store/checkpoint-store.js';
import type { JournalStore } from '../store/journal-store.js';
import type { GuardStore } from '../store/guard-store.js';
import { CallGuards } from './call-guards.js';
import type { RunStore } from '../store/run-store.js';
import { storeFailureReason } from '../store/store-failure.js';
import type { RunStatus } from '../store/types.js';
import type { Reporter, RunSummary } from './reporter.js';
import { CallAccountant } from './call-accountant.js';
import { CheckpointService } from './checkpoint-service.js';
import type { HookHandlers } from './ipc-server.js';
import type { Launch } from './launch.js';
import type { ScriptExit } from './script-process.js';
import { ReplayQueue } from './replay-queue.js';
import { OncePerKind } from './once-per-kind.js';

export interface SuperviseContext {
  env: NodeJS.ProcessEnv;
  store: RunStore;
  checkpoints: CheckpointStore;
  journal: JournalStore;
  guards: GuardStore;
  reporter: Reporter;
  clock: () => number;
  /** Registers the handler for signals sent to wflo itself; returns the unregister function. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

/** How long the hooks of exited processes get to deliver their last reports. */
const DRAIN_MS = 2000;

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = os.constants.signals;

function exitCodeOf(exit: ScriptExit): number {
  if (exit.exitCode !== null) return exit.exitCode;
  return 128 + (exit.signal ? SIGNAL_NUMBERS[exit.signal] ?? 0 : 0);
}

/** A run to continue (`wflo resume`): its id, what it has spent, and whether to replay after a rollback too. */
export interface ResumeTarget {
  runId: string;
  spentNano: number;
  replayAll: boolean;
}

/** Budgets of agents that have one, with what each spent in earlier attempts of the run. */
function agentPurses(o: ResolvedRunOptions, spent: ReadonlyMap<string, number>): Map<string, { budget: number; spent: number }> {
  const purses = new Map<string, { budget: number; spent: number }>();
  for (const [agent, limits] of o.guards.agents) if (limits.budgetNano !== null) purses.set(agent, { budget: limits.budgetNano, spent: spent.get(agent) ?? 0 });
  return purses;
}

/** The run's agent budgets as stored with it: name → nano-USD. */
function agentBudgetsOf(o: ResolvedRunOptions): Record<string, number> {
  const budgets: Record<string, number> = {};
  for (const [agent, limits] of o.guards.agents) if (limits.budgetNano !== null) budgets[agent] = limits.budgetNano;
  return budgets;
}

interface Attempt { runId: string; attempt: number; alreadySpent: number; replay: ReplayQueue | null }

function beginAttempt(o: ResolvedRunOptions, ctx: SuperviseContext, runId: string, resume: ResumeTarget | null, startedAt: number): Attempt {
  if (!resume) {
    ctx.store.createRun({
      id: runId, script: o.script, args: o.scriptArgs, cwd: o.cwd, status: 'running', budgetNano: o.budgetNano,
      spentNano: 0, onBudget: o.onBudget, simulated: o.simulate, supervisorPid: process.pid, startedAt, journal: o.journal,
      agentBudgets: agentBudgetsOf(o),
    });
    return { runId, attempt: 1, alreadySpent: 0, replay: null };
  }
  const attempt = ctx.store.reopenRun(resume.runId, { budgetNano: o.budgetNano, supervisorPid: process.pid, journal: o.journal, agentBudgets: agentBudgetsOf(o) });
  const headSeq = ctx.checkpoints.head(resume.runId)?.seq ?? 0;
  const entries = ctx.journal.replayable(resume.runId, headSeq, resume.replayAll);
  return { runId: resume.runId, attempt, alreadySpent: resume.spentNano, replay: entries.length > 0 ? new ReplayQueue(entries) : null };
}

/** A store that cannot take the run (locked by another process, full, read-only) is one line and exit 2: nothing has started. */
function startAttempt(o: ResolvedRunOptions, ctx: SuperviseContext, runId: string, resume: ResumeTarget | null, startedAt: number): Attempt {
  try {
    return beginAttempt(o, ctx, runId, resume, startedAt);
  } catch (err) {
    if (err instanceof WfloError) throw err;
    throw new StoreError(o.dbPath, `cannot start a run in ${o.dbPath}: ${storeFailureReason(err)}`, { cause: err });
  }
}

/**
 * One supervised run (or one more attempt of it) of a launched script: records the run, lets the
 * script go, answers its calls and checkpoints, stops it when the budget says so or wflo is
 * interrupted, and records everything. Returns the run's summary. The script is let go only
 * once the run is on record; its hooks' messages are read once every part of the supervision is in place.
 */
export async function superviseRun(o: ResolvedRunOptions, ctx: SuperviseContext, launch: Launch, resume: ResumeTarget | null = null): Promise<RunSummary> {
  const startedAt = ctx.clock();
  const { store, reporter } = ctx;
  const { ipc, script } = launch;
  const { runId, attempt, alreadySpent, replay } = startAttempt(o, ctx, launch.runId, resume, startedAt);
  // The run is on record: the script may go. What it sends waits in the socket until the supervision below is ready.
  script.go();
  reporter.start({ runId, script: path.relative(o.cwd, o.script) || o.script, budgetNano: o.budgetNano, onBudget: o.onBudget, simulated: o.simulate, dbPath: o.dbPath });
  // Its catalogues are loaded by the first call priced: a script that makes none never waits for them.
  const prices = new PriceBook(o.prices);

  let stopReason: { status: RunStatus; message: string; exitCode: number } | null = null;
  const timers: NodeJS.Timeout[] = [];
  const terminate = (signal: NodeJS.Signals): void => {
    script.signalGroup(signal);
    timers.push(setTimeout(() => script.signalGroup('SIGKILL'), o.graceMs));
  };
  const stop = (status: RunStatus, message: string, exitCode: number, signal: NodeJS.Signals): void => {
    if (stopReason) {
      // Asked twice (a second Ctrl-C): no more grace.
      script.signalGroup('SIGKILL');
      return;
    }
    stopReason = { status, message, exitCode };
    accountant.refuseAll();
    reporter.event({ type: 'stopping', reason: status, message });
    if (status !== 'budget_exceeded' && status !== 'loop_detected') { terminate(signal); return; }
    // Calls already granted are paid for: let them land (within the grace period), then terminate.
    const drained = new Promise<void>((resolve) => { timers.push(setTimeout(resolve, o.graceMs)); });
    void Promise.race([accountant.whenIdle(), drained]).then(() => terminate(signal));
  };

  const ledger = new Ledger(o.budgetNano, alreadySpent, agentPurses(o, resume ? ctx.guards.agentSpent(runId) : new Map()));
  const guards = new CallGuards({ settings: o.guards, store: ctx.guards, runId, emit: reporter.event });
  const checkpoints = new CheckpointService({ runId, attempt, store: ctx.checkpoints, spent: () => ledger.spent, clock: ctx.clock, emit: reporter.event });
  const accountant = new CallAccountant({
    runId, ledger, prices, store, clock: ctx.clock, emit: reporter.event, fit: o.fit,
    // Answers decided later (calls that waited) go through the socket.
    post: (connection, message) => ipc.post(connection, message),
    journal: o.journal ? ctx.journal : null, replay, attempt, headSeq: () => checkpoints.headSeq(), firstSeq: store.nextCallSeq(runId),
    guards, centralAgents: [...o.guards.agents.keys()],
    onBudgetDenied: (message, agent) => {
      // An agent's budget fails that agent's call; the run stops only when asked to (--on-budget stop given explicitly).
      if ((agent === null ? o.onBudget : o.guards.onAgentBudget) === 'stop') stop('budget_exceeded', message, EXIT.budgetExceeded, 'SIGTERM');
    },
    onLoopStop: (message) => stop('loop_detected', message, EXIT.loopDetected, 'SIGTERM'),
    onOverspent: (message) => stop('budget_exceeded', message, EXIT.budgetExceeded, 'SIGTERM'),
  });
  const notices = new OncePerKind();
  // Threads (workers, loader hooks) connect too; people count processes.
  const pids = new Set<number>();
  const handlers: HookHandlers = {
    hello: (_connection, m) => { pids.add(m.pid); reporter.event({ type: 'process', pid: m.pid, ppid: m.ppid, thread: m.thread, processes: pids.size }); },
    request: (connection, pid, m) => {
      switch (m.type) {
        case 'reserve': return accountant.reserve(connection, pid, m);
        case 'checkpoint': return checkpoints.save(m);
        case 'last-checkpoint': return checkpoints.last(m.rid);
        case 'list-checkpoints': return checkpoints.list(m.rid);
      }
    },
    start: (connection, pid, log, m) => accountant.start(connection, pid, log, m),
    returned: (connection, amount) => accountant.returned(connection, amount),
    settle: (connection, m) => accountant.settle(connection, m),
    report: (connection, m) => accountant.report(connection, m),
    notice: (pid, m) => { if (notices.first(m.kind)) reporter.event({ type: 'warning', message: `process ${pid}: ${m.message}` }); },
    closed: (connection) => accountant.abandonConnection(connection),
    // Leases are reviewed once per batch, on what the whole batch changed.
    batch: (work) => store.grouped(() => { const done = work(); accountant.flushStarts(); accountant.reviewLeases(); return done; }),
    commit: () => store.commit(),
    failed: (error) => stop('failed', `cannot record to the database ${o.dbPath}: ${error.message}`, EXIT.internal, 'SIGTERM'),
  };
  const offSignal = ctx.onSignal((signal) => stop('interrupted', `wflo received ${signal}`, 128 + (SIGNAL_NUMBERS[signal] ?? 2), signal));
  try {
    script.stdout?.on('data', (chunk: Buffer) => reporter.scriptOutput('stdout', chunk.toString('utf8')));
    script.stderr?.on('data', (chunk: Buffer) => reporter.scriptOutput('stderr', chunk.toString('utf8')));
    for (const notice of prices.notices()) reporter.event({ type: 'notice', message: notice.message });
    ipc.open(handlers);
    const exit = await script.exited;
    for (const timer of timers) clearTimeout(timer);
    // Anything the script left running in its group goes with it; then let the hooks' last reports arrive.
    script.signalGroup('SIGTERM');
    await ipc.drained(DRAIN_MS);

    const ended = (stopReason as { status: RunStatus; message: string; exitCode: number } | null)
      ?? (exit.startError ? { status: 'failed' as RunStatus, message: `cannot start the script: ${exit.startError.message}`, exitCode: exit.startError.exitCode } : null);
    const exitCode = ended?.exitCode ?? exitCodeOf(exit);
    const status: RunStatus = ended?.status ?? (exitCode === 0 ? 'completed' : 'failed');
    await ipc.close();
    ipc.commit();
    const endedAt = ctx.clock();
    store.finishRun(runId, { status, exitCode, error: ended?.message ?? null, spentNano: ledger.spent, endedAt });
    const byModel = store.byModel(runId);
    const fitted = store.fitCounts(runId, attempt);
    const budgets = new Map(Object.entries(agentBudgetsOf(o)));
    return {
      byAgent: ctx.guards.byAgent(runId, budgets), loops: guards.loops.count, circuitTrips: guards.trips,
      retriedCalls: store.retriedCalls(runId, attempt), deadLetters: ctx.guards.deadLetterCount(runId),
      unpricedModels: store.unpricedModels(runId, attempt), openCircuits: ctx.guards.openCircuits(endedAt),
      cappedCalls: fitted.capped, waitedCalls: fitted.waited,
      runId, status, exitCode, budgetNano: o.budgetNano, spentNano: ledger.spent,
      llmCalls: byModel.reduce((n, m) => n + m.calls, 0), deniedCalls: store.countCalls(runId, 'denied', attempt),
      replayedCalls: store.countCalls(runId, 'replayed', attempt), attempt,
      estimatedCalls: byModel.reduce((n, m) => n + m.estimatedCalls, 0), byModel, durationMs: endedAt - startedAt,
      stopMessage: ended?.message ?? null,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    offSignal();
    await ipc.close();
    ipc.commit();
    await launch.simulator?.close();
  }
}
