import type { Nano } from '../ledger/money.js';
import type { RunEvent } from '../supervisor/events.js';
import type { RunInfo } from '../supervisor/reporter.js';
import { eventLine } from './describe.js';

export interface ModelLine { model: string; calls: number; costNano: Nano }

/** What the live view shows, folded from run events. Pure: easy to test, cheap to update. */
export interface LiveState {
  info: RunInfo | null;
  spentNano: Nano;
  calls: number;
  refused: number;
  /** Calls waiting for budget held by calls in flight, and calls fitted to the budget so far. */
  waiting: number;
  capped: number;
  processes: number;
  models: ModelLine[];
  /** Spend by agent, once a call names one. */
  agents: Array<{ agent: string; calls: number; costNano: Nano }>;
  recent: string[];
  stopping: string | null;
}

export const initialLiveState: LiveState = {
  info: null, spentNano: 0, calls: 0, refused: 0, waiting: 0, capped: 0, processes: 0, models: [], agents: [], recent: [], stopping: null,
};

const RECENT_LINES = 5;

export function foldEvent(state: LiveState, event: RunEvent): LiveState {
  const line = eventLine(event);
  const recent = line ? [...state.recent, line].slice(-RECENT_LINES) : state.recent;
  switch (event.type) {
    case 'process':
      return { ...state, processes: event.processes };
    case 'call-settled': {
      const models = state.models.some((m) => m.model === event.model)
        ? state.models.map((m) => (m.model === event.model ? { ...m, calls: m.calls + 1, costNano: m.costNano + event.costNano } : m))
        : [...state.models, { model: event.model, calls: 1, costNano: event.costNano }];
      const agent = event.agent ?? '(none)';
      const agents = state.agents.some((a) => a.agent === agent)
        ? state.agents.map((a) => (a.agent === agent ? { ...a, calls: a.calls + 1, costNano: a.costNano + event.costNano } : a))
        : [...state.agents, { agent, calls: 1, costNano: event.costNano }];
      return { ...state, spentNano: event.spentNano, calls: state.calls + 1, models, agents, recent };
    }
    case 'call-denied':
      return { ...state, refused: state.refused + 1, recent };
    case 'call-waiting':
      return { ...state, waiting: event.waiting, recent };
    case 'queue':
      return { ...state, waiting: event.waiting };
    case 'call-capped':
      // Explained once; each call's own line shows its limit.
      return { ...state, capped: state.capped + 1, recent: state.capped === 0 ? recent : state.recent };
    case 'stopping':
      return { ...state, stopping: event.message, recent };
    case 'checkpoint':
    case 'notice':
    case 'warning':
      return { ...state, recent };
  }
}
