import type { Endpoint, Provider, Usage } from '../protocol/messages.js';
import type { Nano } from '../ledger/money.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'budget_exceeded' | 'loop_detected' | 'interrupted';
export type OnBudget = 'stop' | 'error';
/** in_flight: granted, not yet settled. estimated: charged at its reservation (usage unknown). */
export type CallStatus = 'in_flight' | 'ok' | 'error' | 'estimated' | 'denied' | 'replayed';

export interface RunRecord {
  id: string;
  script: string;
  args: string[];
  cwd: string;
  status: RunStatus;
  exitCode: number | null;
  budgetNano: Nano | null;
  spentNano: Nano;
  onBudget: OnBudget;
  simulated: boolean;
  supervisorPid: number;
  error: string | null;
  startedAt: number;
  endedAt: number | null;
  llmCalls: number;
  attempts: number;
  headCheckpoint: string | null;
  journal: boolean;
  /** Budgets of the run's agents (latest attempt), in nano-USD by agent name. */
  agentBudgets: Record<string, Nano>;
}

export interface NewCall {
  runId: string;
  seq: number;
  pid: number;
  provider: Provider;
  model: string;
  endpoint: Endpoint;
  stream: boolean;
  status: CallStatus;
  priced: boolean;
  reservedNano: Nano;
  startedAt: number;
  error: string | null;
  attempt: number;
  afterCheckpointSeq: number;
  /** The output limit per answer wflo lowered the request to, or null when it went as written. */
  outputCap: number | null;
  /** How long the call waited for budget held by calls in flight, or null when it did not wait. */
  waitedMs: number | null;
  /** The agent the call was made for, or null outside any agent. */
  agent: string | null;
  /** For a retry: the first attempt's seq, and this attempt's number (1 for a first attempt). */
  retryOf: number | null;
  tryNumber: number;
  /** A call granted from a lease: its hook's call log and number (`<nonce>:<lid>`); else null. */
  hookCall: string | null;
}

export interface CallSettlement {
  status: Exclude<CallStatus, 'in_flight' | 'denied'>;
  estimated: boolean;
  usage: Usage | null;
  costNano: Nano;
  httpStatus: number | null;
  latencyMs: number | null;
  responseModel: string | null;
  error: string | null;
  endedAt: number;
}

export interface ModelBreakdown {
  provider: Provider;
  model: string;
  calls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costNano: Nano;
  estimatedCalls: number;
}

/** A tool call: one a response asked for (source model), or one run through the SDK's tool() (source wrapped). */
export interface ToolCallRecord {
  runId: string;
  source: 'model' | 'wrapped';
  /** The LLM call whose response asked for it (model), else null. */
  callSeq: number | null;
  agent: string | null;
  name: string;
  /** The arguments as normalised JSON text, redacted and cut to a length; null when unknown. */
  args: string | null;
  /** For wrapped runs: whether the function returned (true) or threw (false). */
  ok: boolean | null;
  durationMs: number | null;
  error: string | null;
  createdAt: number;
}

/** Per tool in a run: how often models asked for it, and how its wrapped runs went. */
export interface ToolStats {
  name: string;
  /** Times a response asked for it. */
  asked: number;
  /** Runs through tool(). */
  runs: number;
  succeeded: number;
  failed: number;
  /** Median duration of its runs, or null without runs. */
  medianMs: number | null;
}

/** Spend by agent; calls outside any agent are under "(none)". */
export interface AgentBreakdown {
  agent: string;
  calls: number;
  costNano: Nano;
  /** The agent's budget in this run, or null when it has none. */
  budgetNano: Nano | null;
}

export type CircuitKind = 'provider' | 'burn-rate';

/** A breaker as stored: provider:model circuits, and agent:<name> burn-rate breakers. */
export interface CircuitRecord {
  name: string;
  kind: CircuitKind;
  state: 'closed' | 'open' | 'half-open';
  /** The breaker's own JSON state (CircuitSnapshot or BurnRateSnapshot). */
  snapshot: string;
  /** When an open breaker lets a probe through, or null. */
  retryAt: number | null;
  lastError: string | null;
  /** The run that last changed it. */
  runId: string | null;
  updatedAt: number;
}

/** A call wflo gave up on after its attempts (transient failures), with what it asked. */
export interface DeadLetter {
  id?: number;
  runId: string;
  firstSeq: number;
  lastSeq: number;
  attempts: number;
  provider: Provider;
  model: string;
  endpoint: Endpoint;
  agent: string | null;
  /** JSON: a short, redacted summary of the request. */
  summary: string;
  httpStatus: number | null;
  error: string;
  createdAt: number;
}
