import type { Endpoint, Provider, Usage } from '../protocol/messages.js';
import type { Nano } from '../ledger/money.js';
import type { RunStatus } from '../store/types.js';

/** What happened during a run, as reporters (live view, plain lines) see it. */
export type RunEvent =
  | { type: 'process'; pid: number; ppid: number; thread: number; processes: number }
  | { type: 'call-settled'; seq: number; pid: number; provider: Provider; model: string; endpoint: Endpoint; stream: boolean;
      status: 'ok' | 'error' | 'estimated' | 'replayed'; usage: Usage | null; costNano: Nano; latencyMs: number | null; spentNano: Nano; error: string | null;
      /** The output limit wflo set to fit the budget, or null. */
      outputCap: number | null;
      /** The agent the call was made for, or null. */
      agent: string | null }
  | { type: 'call-denied'; seq: number; pid: number; provider: Provider; model: string; code: string; message: string }
  /** A call waits until calls in flight release the budget they hold. */
  | { type: 'call-waiting'; seq: number; pid: number; model: string; worstCaseNano: Nano; heldNano: Nano; inFlight: number; waiting: number }
  /** How many calls wait for budget now (after calls were queued or answered). */
  | { type: 'queue'; waiting: number }
  /** A call whose output limit wflo lowered so that it fits the budget. */
  | { type: 'call-capped'; seq: number; pid: number; model: string; outputTokens: number; requested: number | null; heldNano: Nano }
  | { type: 'stopping'; reason: RunStatus; message: string }
  | { type: 'checkpoint'; id: string; seq: number; name: string; sizeBytes: number; deduplicated: boolean }
  /** Something the user should know about the run's set-up (e.g. a config price shadowing the catalogue's). */
  | { type: 'notice'; message: string }
  /** Something the run cannot meter or guarantee (an unmetered program or request). */
  | { type: 'warning'; message: string };

export type EventSink = (event: RunEvent) => void;
