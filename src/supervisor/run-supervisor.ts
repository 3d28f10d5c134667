import os from 'node:os';
import path from 'node:path';
import type { ResolvedRunOptions } from '../config/run-options.js';
import { EXIT } from '../errors.js';
import { Ledger } from '../ledger/ledger.js';
import { PriceBook } from '../pricing/price-book.js';
import { startFakeProvider, type FakeProvider } from '../simulator/server.js';
import type { RunStore } from '../store/run-store.js';
import type { RunStatus } from '../store/types.js';
import type { Reporter, RunSummary } from '../ui/reporter.js';
import { CallAccountant } from './call-accountant.js';
import { IpcServer } from './ipc-server.js';
import { newRunId } from './run-id.js';
import { scriptEnv } from './script-env.js';
import { startScript, type ScriptExit } from './script-process.js';

export interface SuperviseContext {
  env: NodeJS.ProcessEnv;
  store: RunStore;
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

/**
 * One supervised run: starts the script with the hook, answers its calls, stops it when the
 * budget says so or wflo is interrupted, and records everything. Returns the run's summary.
 */
export async function superviseRun(o: ResolvedRunOptions, ctx: SuperviseContext): Promise<RunSummary> {
  const runId = newRunId();
  const startedAt = ctx.clock();
  const { store, reporter } = ctx;
  store.createRun({
    id: runId, script: o.script, args: o.scriptArgs, cwd: o.cwd, status: 'running', budgetNano: o.budgetNano,
    spentNano: 0, onBudget: o.onBudget, simulated: o.simulate, supervisorPid: process.pid, startedAt,
  });
  reporter.start({ runId, script: path.relative(o.cwd, o.script) || o.script, budgetNano: o.budgetNano, onBudget: o.onBudget, simulated: o.simulate, dbPath: o.dbPath });

  let stopReason: { status: RunStatus; message: string; exitCode: number } | null = null;
  const timers: NodeJS.Timeout[] = [];
  let script: ReturnType<typeof startScript> | undefined;
  const terminate = (signal: NodeJS.Signals): void => {
    script?.signalGroup(signal);
    timers.push(setTimeout(() => script?.signalGroup('SIGKILL'), o.graceMs));
  };
  const stop = (status: RunStatus, message: string, exitCode: number, signal: NodeJS.Signals): void => {
    if (stopReason) {
      // Asked twice (a second Ctrl-C): no more grace.
      script?.signalGroup('SIGKILL');
      return;
    }
    stopReason = { status, message, exitCode };
    accountant.refuseAll();
    reporter.event({ type: 'stopping', reason: status, message });
    if (status !== 'budget_exceeded') { terminate(signal); return; }
    // Calls already granted are paid for: let them land (within the grace period), then terminate.
    const drained = new Promise<void>((resolve) => { timers.push(setTimeout(resolve, o.graceMs)); });
    void Promise.race([accountant.whenIdle(), drained]).then(() => terminate(signal));
  };

  const accountant = new CallAccountant({
    runId, ledger: new Ledger(o.budgetNano), prices: new PriceBook(o.prices), store, clock: ctx.clock, emit: reporter.event,
    onBudgetDenied: (message) => { if (o.onBudget === 'stop') stop('budget_exceeded', message, EXIT.budgetExceeded, 'SIGTERM'); },
  });
  // Threads (workers, loader hooks) connect too; people count processes.
  const pids = new Set<number>();
  const ipc = await IpcServer.listen(path.join(os.tmpdir(), `wflo-${process.pid}-${runId}.sock`), {
    hello: (_connection, m) => { pids.add(m.pid); reporter.event({ type: 'process', pid: m.pid, ppid: m.ppid, thread: m.thread, processes: pids.size }); },
    reserve: (connection, pid, m) => accountant.reserve(connection, pid, m),
    settle: (connection, m) => accountant.settle(connection, m),
    closed: (connection) => accountant.abandonConnection(connection),
  });
  let simulator: FakeProvider | null = null;
  const offSignal = ctx.onSignal((signal) => stop('interrupted', `wflo received ${signal}`, 128 + (SIGNAL_NUMBERS[signal] ?? 2), signal));
  try {
    if (o.simulate) simulator = await startFakeProvider({ latencyMs: 40, chunkDelayMs: 15 });
    script = startScript({
      nodePath: o.nodePath, script: o.script, args: o.scriptArgs, cwd: o.cwd, pipeOutput: reporter.ownsTerminal,
      env: scriptEnv({ base: ctx.env, socketPath: ipc.socketPath, runId, typescript: o.typescript, simulated: simulator }),
    });
    script.stdout?.on('data', (chunk: Buffer) => reporter.scriptOutput('stdout', chunk.toString('utf8')));
    script.stderr?.on('data', (chunk: Buffer) => reporter.scriptOutput('stderr', chunk.toString('utf8')));
    const exit = await script.exited;
    for (const timer of timers) clearTimeout(timer);
    // Anything the script left running in its group goes with it; then let the hooks' last reports arrive.
    script.signalGroup('SIGTERM');
    await ipc.drained(DRAIN_MS);

    const ended = stopReason as { status: RunStatus; message: string; exitCode: number } | null;
    const exitCode = ended?.exitCode ?? exitCodeOf(exit);
    const status: RunStatus = ended?.status ?? (exitCode === 0 ? 'completed' : 'failed');
    await ipc.close();
    const ledger = accountant.ledger;
    const endedAt = ctx.clock();
    store.finishRun(runId, { status, exitCode, error: ended?.message ?? null, spentNano: ledger.spent, endedAt });
    const byModel = store.byModel(runId);
    return {
      runId, status, exitCode, budgetNano: o.budgetNano, spentNano: ledger.spent,
      llmCalls: byModel.reduce((n, m) => n + m.calls, 0), deniedCalls: store.deniedCalls(runId),
      estimatedCalls: byModel.reduce((n, m) => n + m.estimatedCalls, 0), byModel, durationMs: endedAt - startedAt,
      stopMessage: ended?.message ?? null,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    offSignal();
    await ipc.close();
    await simulator?.close();
  }
}
