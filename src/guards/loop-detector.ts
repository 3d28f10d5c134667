/** One call the supervisor sees: a tool the model asked for, or a request about to be sent. */
export interface Observation {
  agent: string | null;
  kind: 'tool' | 'request';
  /** A fingerprint (fingerprintToolCall or fingerprintRequest). */
  key: string;
}

export interface Loop {
  pattern: 'repeated-tool' | 'repeated-request' | 'oscillation';
  /** Times the latest call occurred in the window; for an oscillation, times it came round in the cycle. */
  repeats: number;
  agent: string | null;
  /** The repeated key, or one cycle's keys in order, ending with the latest call. */
  keys: string[];
}

export interface LoopThresholds {
  /** Occurrences of one call (or rounds of one cycle) that make a loop. At least 2. @default 5 */
  repeats: number;
  /** How many of an agent's latest calls, tools and requests together, are looked at. @default 20 */
  window: number;
}

export const DEFAULT_LOOP_THRESHOLDS: Readonly<LoopThresholds> = { repeats: 5, window: 20 };

/** The cycles looked for: A→B→A→B (period 2) and A→B→C→A→B→C (period 3). */
const PERIODS = [2, 3] as const;

const same = (a: Observation, b: Observation): boolean => a.kind === b.kind && a.key === b.key;

/**
 * Finds agents going round in circles: the same tool call with the same arguments, the same
 * request, or a short cycle of calls, within each agent's latest calls. Pure, and memory is
 * bounded by the window per agent. `wouldLoop` asks before a call is sent, so the run stops
 * before the provider is paid for another useless call; `record` then keeps the call.
 */
export class LoopDetector {
  private readonly thresholds: LoopThresholds;
  private readonly history = new Map<string | null, Observation[]>();

  constructor(thresholds: Partial<LoopThresholds> = {}) {
    this.thresholds = { ...DEFAULT_LOOP_THRESHOLDS, ...thresholds };
    const { repeats, window } = this.thresholds;
    // One occurrence is not a loop; a window shorter than the repeats could never see one.
    if (!Number.isInteger(repeats) || repeats < 2) throw new RangeError(`loop repeats must be an integer of at least 2, not ${repeats}`);
    if (!Number.isInteger(window) || window < repeats) throw new RangeError(`loop window must be an integer of at least repeats (${repeats}), not ${window}`);
  }

  /** The loop this call would complete if it were made now; nothing is recorded. */
  wouldLoop(observation: Observation): Loop | null {
    return this.find([...(this.history.get(observation.agent) ?? []), observation].slice(-this.thresholds.window));
  }

  /** Keeps a call in its agent's window; returns the loop it completes, if any. */
  record(observation: Observation): Loop | null {
    const list = this.history.get(observation.agent) ?? [];
    list.push(observation);
    if (list.length > this.thresholds.window) list.shift();
    this.history.set(observation.agent, list);
    return this.find(list);
  }

  /** Forgets an agent's calls (it was told of its loop and may now change course). */
  forget(agent: string | null): void {
    this.history.delete(agent);
  }

  /** Judges the window as it ends with its latest call. */
  private find(window: Observation[]): Loop | null {
    const last = window.at(-1);
    if (last === undefined) return null;
    // A cycle is named as such before the counts of its single calls. It is looked for among
    // calls of the latest call's kind: requests always differ as a conversation grows, and would
    // otherwise hide a tool oscillation between them.
    const ofKind = window.filter((o) => o.kind === last.kind);
    for (const period of PERIODS) {
      const rounds = this.rounds(ofKind, period);
      if (rounds >= this.thresholds.repeats) return { pattern: 'oscillation', repeats: rounds, agent: last.agent, keys: ofKind.slice(-period).map((o) => o.key) };
    }
    const repeats = window.filter((o) => same(o, last)).length;
    if (repeats < this.thresholds.repeats) return null;
    return { pattern: last.kind === 'tool' ? 'repeated-tool' : 'repeated-request', repeats, agent: last.agent, keys: [last.key] };
  }

  /** How many times the last call came round in a cycle of `period` distinct calls ending the list; 0 for no cycle. */
  private rounds(list: Observation[], period: number): number {
    const cycle = list.slice(-period);
    if (cycle.length < period || new Set(cycle.map((o) => o.key)).size < period) return 0;
    let length = period;
    for (let i = list.length - 1 - period; i >= 0 && same(list[i]!, list[i + period]!); i--) length++;
    // A·B·A alone is A twice, not yet a cycle: two whole rounds at least.
    return length >= 2 * period ? Math.ceil(length / period) : 0;
  }
}
