import type { OnLoop } from '../config/guard-settings.js';
import { fingerprintToolCall, LoopDetector, type Loop, type LoopThresholds } from '../guards/index.js';
import type { AskedTool, DenyDetails } from '../protocol/messages.js';

/** What the supervisor does about a call, once a loop is seen. */
export type LoopAction =
  | { kind: 'none' }
  /** First sight of the loop: a warning line; the call goes. */
  | { kind: 'warn'; loop: Loop; message: string }
  /** The loop went on after its warning: refuse the call (error), or stop the run (stop). */
  | { kind: 'refuse' | 'stop'; loop: Loop; message: string; details: DenyDetails };

const PATTERN_TEXT: Record<Loop['pattern'], string> = {
  'repeated-tool': 'asked for the same tool call with the same arguments',
  'repeated-request': 'sent the same request',
  oscillation: 'went round the same cycle of calls',
};

function who(agent: string | null): string {
  return agent === null ? 'the script' : `agent "${agent}"`;
}

/**
 * Loop detection with escalation: a loop is first a warning; if it goes on, the next call is
 * refused with LoopDetectedError (`error`) or the run stops (`stop`), before the provider is
 * paid for another useless call. A stuck agent is thus billed at most repeats + 1 calls.
 */
export class LoopWatch {
  private readonly detector: LoopDetector;
  /** Loops warned about, by agent, pattern and cycle. */
  private readonly warned = new Set<string>();
  /** Tool loops found in a response: the agent's next call answers for them. */
  private readonly pending = new Map<string | null, LoopAction & { kind: 'refuse' | 'stop' }>();
  /** Requests in flight by agent and fingerprint: the same request sent again while one is out is a fan-out, not a loop. */
  private readonly inFlight = new Map<string, number>();
  /** Loops seen (warned or acted on) in this run. */
  count = 0;

  constructor(private readonly onLoop: OnLoop, thresholds: LoopThresholds) {
    this.detector = new LoopDetector(thresholds);
  }

  /** True while no loop has been warned about (or acted on since): no call needs seeing before it goes. */
  get quiet(): boolean {
    return this.warned.size === 0 && this.pending.size === 0;
  }

  /** Before a call is sent: a tool loop found earlier, or the loop this request would complete. */
  beforeCall(agent: string | null, fingerprint: string): LoopAction {
    const pending = this.pending.get(agent);
    if (pending) {
      this.pending.delete(agent);
      // Told of its loop, the agent may change course: its history starts again.
      this.forget(agent);
      return pending;
    }
    const observation = { agent, kind: 'request' as const, key: fingerprint };
    // Concurrent copies of a request (sampling, a burst) are not the agent asking again after an answer.
    if ((this.inFlight.get(`${agent ?? ''}\u0000${fingerprint}`) ?? 0) > 0) return { kind: 'none' };
    const loop = this.detector.wouldLoop(observation);
    const action = loop ? this.escalate(loop) : { kind: 'none' as const };
    // A refused request is not sent: it is not one of the agent's calls.
    if (action.kind === 'none' || action.kind === 'warn') this.detector.record(observation);
    return action;
  }

  /** A request went out (granted) or came back (settled, or not sent after all). */
  sending(agent: string | null, fingerprint: string, delta: 1 | -1): void {
    const key = `${agent ?? ''}\u0000${fingerprint}`;
    const n = (this.inFlight.get(key) ?? 0) + delta;
    if (n > 0) this.inFlight.set(key, n); else this.inFlight.delete(key);
  }

  /** After a response: the tool calls it asked for. A loop they complete is acted on at the agent's next call (or now, to stop). */
  afterResponse(agent: string | null, tools: readonly AskedTool[]): LoopAction {
    let result: LoopAction = { kind: 'none' };
    for (const tool of tools) {
      const loop = this.detector.record({ agent, kind: 'tool', key: fingerprintToolCall(tool.name, tool.args) });
      if (!loop) continue;
      const action = this.escalate(loop, tool.name);
      if (action.kind === 'refuse' || action.kind === 'stop') {
        if (action.kind === 'refuse') this.pending.set(agent, action);
        return action;
      }
      if (action.kind === 'warn') result = action;
    }
    return result;
  }

  private forget(agent: string | null): void {
    this.detector.forget(agent);
    for (const key of [...this.warned]) if (key.startsWith(`${agent ?? ''}\u0000`)) this.warned.delete(key);
  }

  private escalate(loop: Loop, toolName?: string): LoopAction {
    // A cycle is the same loop whichever of its calls came last.
    const key = `${loop.agent ?? ''}\u0000${loop.pattern}\u0000${[...loop.keys].sort().join(',')}`;
    const what = `${who(loop.agent)} ${PATTERN_TEXT[loop.pattern]}${toolName && loop.pattern === 'repeated-tool' ? ` ("${toolName}")` : ''} ${loop.repeats} times`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.count++;
      const next = this.onLoop === 'warn' ? '' : `; if it goes on, ${this.onLoop === 'stop' ? 'the run is stopped' : 'its next call fails with LoopDetectedError'}`;
      return { kind: 'warn', loop, message: `loop: ${what}${next}` };
    }
    if (this.onLoop === 'warn') return { kind: 'none' };
    const details: DenyDetails = { pattern: loop.pattern, repeats: loop.repeats, agent: loop.agent };
    return this.onLoop === 'stop'
      ? { kind: 'stop', loop, details, message: `loop detected: ${what}, after a warning` }
      : { kind: 'refuse', loop, details, message: `loop detected: ${what}; the call was not sent` };
  }
}
