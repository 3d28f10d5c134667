import { requestedOutput } from '../pricing/output-ceiling.js';
import { worstCaseOf, type ModelRates } from '../pricing/rates.js';
import { fingerprintToolCall } from '../guards/fingerprint.js';
import type { AskedTool, LeaseMessage } from '../protocol/messages.js';
import type { LlmRequest } from './providers/types.js';

/** How many of an agent's latest requests and tool calls are remembered to spot a repeat. */
const RECENT = 20;

/** A call the hook may send without asking: what it holds of the credit, and the output limit to send it with. */
export interface LocalGrant { held: number; sentLimit: number | null }

/**
 * The money and terms the supervisor lent this process, so a call that fits needs no round
 * trip: the hook holds the call's worst case (priced as the supervisor prices it) against the
 * credit and tells the supervisor before the request leaves. Anything unusual is asked for.
 */
export class Lease {
  /** Unused credit in nano-USD; Infinity when no budget binds (then nothing is held back). */
  private credit = 0;
  private readonly rates = new Map<string, ModelRates>();
  private central = new Set<string>();
  /** Until the first lease, and while the supervisor says so. */
  private paused = true;
  /** A call of this process failed the way circuits count: ask until the supervisor has seen it. */
  private stumbled = false;
  private nextLid = 1;
  /** By agent: fingerprints of its latest requests and tool calls. A repeat may be a loop, which the supervisor must see first. */
  private readonly recent = new Map<string, string[]>();
  /** Agents whose last response asked again for a tool call they had asked for lately. */
  private readonly repeating = new Set<string>();

  /** New credit and terms from the supervisor. */
  apply(m: LeaseMessage): void {
    // No budget is no budget for the whole run: once unlimited, always.
    this.credit = m.add === null || this.credit === Infinity ? Infinity : this.credit + m.add;
    for (const terms of m.models) this.rates.set(`${terms.provider}\u0000${terms.model}`, terms.rates);
    this.central = new Set(m.central);
    this.paused = m.paused;
    this.stumbled = false;
  }

  /** The supervisor takes the credit back: returns what was unused (nano-USD). */
  recall(): number {
    const unused = this.credit === Infinity ? 0 : this.credit;
    this.credit = 0;
    this.paused = true;
    return unused;
  }

  /** A call failed as circuits count failures: the next calls are asked for until the supervisor answers. */
  stumble(): void {
    this.stumbled = true;
  }

  /** A call went through: what stumbled has recovered (the supervisor pauses leases itself while a circuit is unwell). */
  recovered(): void {
    this.stumbled = false;
  }

  /** A response's tool calls: one asked for lately again makes the agent's next call one to ask for. */
  answered(agent: string | null, tools: readonly AskedTool[]): void {
    for (const tool of tools) if (this.remember(agent, fingerprintToolCall(tool.name, tool.args))) this.repeating.add(agent ?? '');
  }

  /** Notes a fingerprint of `agent`'s; true when it was among its latest. */
  private remember(agent: string | null, fingerprint: string): boolean {
    const key = agent ?? '';
    let latest = this.recent.get(key);
    if (!latest) { latest = []; this.recent.set(key, latest); }
    const seen = latest.includes(fingerprint);
    latest.push(fingerprint);
    if (latest.length > RECENT) latest.shift();
    return seen;
  }

  /**
   * Grants `request` locally when it fits the credit and the terms; null when it must be asked
   * for. `fingerprint` is the request's for loops ('' with the guards off): a request or a tool
   * call repeated lately is asked for, so the supervisor sees a possible loop before it is paid for.
   */
  take(request: LlmRequest, agent: string | null, fingerprint = ''): LocalGrant | null {
    if (fingerprint !== '' && (this.remember(agent, fingerprint) || this.repeating.delete(agent ?? ''))) return null;
    // Calls that overlap are granted here too: their starts go to the call log, which wakes nobody.
    if (this.paused || this.stumbled || request.unbounded !== null || request.refs.length > 0) return null;
    if (agent !== null && this.central.has(agent)) return null;
    const rates = this.rates.get(`${request.provider}\u0000${request.model}`);
    if (!rates) return null;
    const perAnswer = requestedOutput(request, rates);
    const budgeted = this.credit !== Infinity;
    if (perAnswer === null && budgeted) return null;
    const held = worstCaseOf(rates, request.inputTokensMax, (perAnswer ?? 0) * request.choices);
    if (held > this.credit) return null;
    if (budgeted) this.credit -= held;
    // As the supervisor does: under a budget, a request with no output limit goes with the one it was held for.
    const sentLimit = budgeted && request.outputTokensMax === null && request.capped !== null ? perAnswer : null;
    return { held, sentLimit };
  }

  /** The number of the next call granted locally. */
  lid(): number {
    return this.nextLid++;
  }
}
