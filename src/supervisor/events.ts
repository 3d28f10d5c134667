import type { Endpoint, Provider, Usage } from '../protocol/messages.js';
import type { Nano } from '../ledger/money.js';
import type { RunStatus } from '../store/types.js';

/** What happened during a run, as reporters (live view, plain lines) see it. */
export type RunEvent =
  | { type: 'process'; pid: number; ppid: number; thread: number; processes: number }
  | { type: 'call-settled'; seq: number; pid: number; provider: Provider; model: string; endpoint: Endpoint; stream: boolean;
      status: 'ok' | 'error' | 'estimated' | 'replayed'; usage: Usage | null; costNano: Nano; latencyMs: number | null; spentNano: Nano; error: string | null }
  | { type: 'call-denied'; seq: number; pid: number; provider: Provider; model: string; code: string; message: string }
  | { type: 'stopping'; reason: RunStatus; message: string }
  /** Something the run cannot meter or guarantee (an unmetered program or request). */
  | { type: 'warning'; message: string }
  | { type: 'checkpoint'; id: string; seq: number; name: string; sizeBytes: number; deduplicated: boolean };

export type EventSink = (event: RunEvent) => void;
