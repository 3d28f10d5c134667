import type { Endpoint, Provider, Usage } from '../protocol/messages.js';
import type { Nano } from '../ledger/money.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'budget_exceeded' | 'interrupted';
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
