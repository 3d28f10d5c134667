/** One call the supervisor sees: a tool the model asked for, or a request sent. */
export interface Observation {
  agent: string | null;
  kind: 'tool' | 'request';
  /** A fingerprint (see fingerprint.ts). */
  key: string;
}

export interface Loop {
  pattern: 'repeated-tool' | 'repeated-request' | 'oscillation';
  /** Occurrences of the repeated call (for an oscillation, of the last call, within the cycle). */
  repeats: number;
  agent: string | null;
  /** The repeated key, or the keys of one cycle in order. */
  keys: string[];
}

export interface LoopThresholds {
  /** Repeats that make a loop. @default 5 */
  repeats: number;
  /** How many of an agent's latest calls are looked at. @default 20 */
  window: number;
}

export const DEFAULT_LOOP_THRESHOLDS: LoopThresholds = { repeats: 5, window: 20 };

/** The longest cycle looked for: A→B→A→B (2) and A→B→C→A→B→C (3). */
const MAX_PERIOD = 3;

const same = (a: Observation | undefined, b: Observation | undefined): boolean => a !== undefined && b !== undefined && a.kind === b.kind && a.key === b.key;

/**
 * Finds agents going round in circles: the same tool call with the same arguments, the same
 * request, or a short cycle of calls, repeated within the last calls of that agent. Pure; memory
 * is bounded by the window per agent. `wouldLoop` asks before a call is sent, so the run can
 * stop before the provider is paid for another useless call.
 */
export class LoopDetector {
  private readonly history = new Map<string | null, Observation[]>();

  constructor(private readonly thresholds: LoopThresholds = DEFAULT_LOOP_THRESHOLDS) {}

  /** The loop this call would complete if it were made; nothing is recorded. */
  wouldLoop(observation: Observation): Loop | null {
    return this.find([...this.recent(observation.agent), observation].slice(-this.thresholds.window));
  }

  /** Records a call; returns the loop it completes, if any. */
  record(observation: Observation): Loop | null {
    const list = this.recent(observation.agent);
    list.push(observation);
    if (list.length > this.thresholds.window) list.splice(0, list.length - this.thresholds.window);
    this.history.set(observation.agent, list);
    return this.find(list);
  }

  private recent(agent: string | null): Observation[] {
    return this.history.get(agent) ?? [];
  }

  private find(list: Observation[]): Loop | null {
    const last = list.at(-1);
    if (!last) return null;
    // A cycle of different calls is named as such, before the counts of its single calls.
    for (let period = 2; period <= MAX_PERIOD; period++) {
      const cycle = list.slice(-period);
      if (new Set(cycle.map((o) => `${o.kind}:${o.key}`)).size < period) continue;
      let length = period;
      while (length < list.length && same(list[list.length - 1 - length], list[list.length - 1 - length + period])) length++;
      // How often the last call came round in the cycle (A·B·A·B·A: A's third time).
      const cycles = Math.ceil(length / period);
      // At least two whole cycles: A·B·A alone is a repeat of A, not yet a cycle.
      if (length >= 2 * period && cycles >= this.thresholds.repeats) return { pattern: 'oscillation', repeats: cycles, agent: last.agent, keys: cycle.map((o) => o.key) };
    }
    const repeats = list.filter((o) => same(o, last)).length;
    if (repeats < this.thresholds.repeats) return null;
    return { pattern: last.kind === 'tool' ? 'repeated-tool' : 'repeated-request', repeats, agent: last.agent, keys: [last.key] };
  }
}
