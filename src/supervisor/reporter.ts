import type { Nano } from '../ledger/money.js';
import type { EventSink } from './events.js';
import type { AgentBreakdown, ModelBreakdown, OnBudget, RunStatus } from '../store/types.js';

export interface RunInfo {
  runId: string;
  script: string;
  budgetNano: Nano | null;
  onBudget: OnBudget;
  simulated: boolean;
  dbPath: string;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  exitCode: number;
  budgetNano: Nano | null;
  spentNano: Nano;
  llmCalls: number;
  /** Calls refused in this attempt. */
  deniedCalls: number;
  /** Calls served from the journal in this attempt (resume). */
  replayedCalls: number;
  attempt: number;
  estimatedCalls: number;
  /** Calls of this attempt whose output limit wflo lowered to fit the budget. */
  cappedCalls: number;
  /** Calls of this attempt that waited for budget held by calls in flight. */
  waitedCalls: number;
  byModel: ModelBreakdown[];
  /** Spend by agent (calls outside any agent under "(none)"), with each agent's budget. */
  byAgent: AgentBreakdown[];
  /** Loops seen (warned about or acted on) in this attempt. */
  loops: number;
  /** Circuits and burn-rate breakers that opened in this attempt. */
  circuitTrips: number;
  /** Attempts wflo made again after transient failures in this attempt. */
  retriedCalls: number;
  /** Calls of the run wflo gave up on after their attempts (wflo dlq). */
  deadLetters: number;
  /** provider/model of calls wflo had no price for (their cost is not counted). */
  unpricedModels: string[];
  /** Circuit breakers open when the run ended. */
  openCircuits: string[];
  durationMs: number;
  /** Why the run stopped, when wflo stopped it. */
  stopMessage: string | null;
}

/** How a run shows itself: a live view in a terminal, plain lines elsewhere. Chosen once. */
export interface Reporter {
  /** True when the script's output must be handed to the reporter rather than the terminal. */
  readonly ownsTerminal: boolean;
  start(info: RunInfo): void;
  event: EventSink;
  scriptOutput(stream: 'stdout' | 'stderr', text: string): void;
  finish(summary: RunSummary): Promise<void>;
}
