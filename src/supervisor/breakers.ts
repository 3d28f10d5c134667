import type { AgentLimits, GuardSettings } from '../config/guard-settings.js';
import { BurnRateBreaker, CircuitBreaker, circuitKey, isCircuitFailure, type Admission } from '../guards/index.js';
import { formatUsd } from '../ledger/money.js';
import type { DenyDetails, Provider } from '../protocol/messages.js';
import type { GuardStore } from '../store/guard-store.js';
import type { CircuitKind, CircuitRecord } from '../store/types.js';

/** Which breakers let a call through, and whether it is the probe of a half-open one. */
export interface BreakerTicket { circuit: string | null; probes: Set<string> }

/** A call stopped by a breaker. */
export interface BreakerRefusal { circuit: string; retryAt: number; message: string; details: DenyDetails }

/** What a settled call tells the breakers. */
export interface CallResult {
  /** The HTTP status, or null when no response came. */
  httpStatus: number | null;
  errorCode: string | null;
  /** The request never left the process: it says nothing about the provider. */
  unsent: boolean;
  costNano: number;
  tokens: number;
  error: string | null;
}

/** A closed gate as stored. */
const CLOSED_GATE = JSON.stringify({ state: 'closed' });

/** Burn-rate limits are per minute. */
const BURN_WINDOW_MS = 60_000;

type Breaker = CircuitBreaker | BurnRateBreaker;
/** A breaker and what was last stored of it: its gate (as JSON) and a circuit's failure streak. */
interface Entry { breaker: Breaker; kind: CircuitKind; savedGate: string; savedStreak: number }

const streakOf = (breaker: Breaker): number => (breaker instanceof CircuitBreaker ? breaker.failureStreak : 0);

function stateOf(breaker: Breaker, now: number): { state: CircuitRecord['state']; retryAt: number | null } {
  const gate = breaker.gateState();
  if (gate.state === 'open') return { state: 'open', retryAt: gate.until };
  return { state: gate.state, retryAt: gate.state === 'half-open' ? now : null };
}

const clockTime = (at: number): string => new Date(at).toISOString();

/**
 * The run's breakers: one circuit per provider and model (failures), and per agent the
 * burn-rate breakers its limits ask for (spend and tokens per minute). Circuits are read from
 * and written to the store when their state changes, so the next run (a later CI step) sees
 * an outage that is still going on. Pure of I/O except the store.
 */
export class Breakers {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly settings: GuardSettings, private readonly store: GuardStore, private readonly runId: string,
    private readonly warn: (message: string, tripped: boolean) => void) {}

  /** Asks every breaker on the call's way; the first that is open refuses it. */
  admit(provider: Provider, model: string, agent: string | null, now: number): BreakerTicket | BreakerRefusal {
    const ticket: BreakerTicket = { circuit: null, probes: new Set() };
    const names: string[] = [];
    if (this.settings.circuit.enabled) { ticket.circuit = circuitKey(provider, model); names.push(ticket.circuit); }
    const limits = agent === null ? undefined : this.settings.agents.get(agent);
    if (agent !== null && limits) names.push(...this.burnNames(agent, limits));
    for (const name of names) {
      const entry = this.entry(name, limits);
      if (!entry) continue;
      const admission: Admission = entry.breaker.allow(now);
      if (!admission.allowed) {
        for (const probe of ticket.probes) this.abandon(probe, now);
        return this.refusal(name, entry, admission.retryAt);
      }
      if (admission.probe) { ticket.probes.add(name); this.save(name, entry, now, null); }
    }
    return ticket;
  }

  /** True when every circuit is closed with no failure since its last success (burn-rate breakers' agents are always asked for). */
  calm(): boolean {
    for (const entry of this.entries.values()) {
      if (entry.breaker instanceof CircuitBreaker && (entry.breaker.failureStreak > 0 || entry.breaker.state !== 'closed')) return false;
    }
    return true;
  }

  /** The call did not go after all (refused by the budget, or its process ended first): its probes go back. */
  release(ticket: BreakerTicket, now: number): void {
    for (const name of ticket.probes) this.abandon(name, now);
  }

  /** A call the breakers let through has settled. */
  settled(ticket: BreakerTicket, agent: string | null, result: CallResult, now: number): void {
    if (ticket.circuit !== null) {
      const entry = this.entries.get(ticket.circuit);
      if (entry && entry.breaker instanceof CircuitBreaker) {
        if (result.unsent) this.abandon(ticket.circuit, now);
        else {
          const failed = isCircuitFailure(result.httpStatus, result.errorCode);
          entry.breaker.record(now, failed, ticket.probes.has(ticket.circuit));
          this.save(ticket.circuit, entry, now, failed ? result.error : null);
        }
      }
    }
    const limits = agent === null ? undefined : this.settings.agents.get(agent);
    if (agent === null || !limits) return;
    for (const name of this.burnNames(agent, limits)) {
      const entry = this.entry(name, limits);
      if (!entry || !(entry.breaker instanceof BurnRateBreaker)) continue;
      const amount = name.endsWith(':tokens') ? result.tokens : result.costNano;
      entry.breaker.record(now, amount, ticket.probes.has(name));
      this.save(name, entry, now, null);
    }
  }

  private burnNames(agent: string, limits: AgentLimits): string[] {
    const names: string[] = [];
    if (limits.maxNanoPerMinute !== null) names.push(`agent:${agent}`);
    if (limits.maxTokensPerMinute !== null) names.push(`agent:${agent}:tokens`);
    return names;
  }

  /** The breaker by name, restored from the store the first time; undefined when its limits are gone. */
  private entry(name: string, limits: AgentLimits | undefined): Entry | undefined {
    const known = this.entries.get(name);
    if (known) return known;
    const kind: CircuitKind = name.startsWith('agent:') ? 'burn-rate' : 'provider';
    const burnLimit = name.endsWith(':tokens') ? limits?.maxTokensPerMinute : limits?.maxNanoPerMinute;
    if (kind === 'burn-rate' && (burnLimit === null || burnLimit === undefined)) return undefined;
    const stored = this.store.circuit(name);
    let breaker: Breaker | undefined;
    try {
      const snapshot: unknown = stored ? JSON.parse(stored.snapshot) : undefined;
      if (kind === 'provider') breaker = snapshot === undefined ? new CircuitBreaker(this.settings.circuit) : CircuitBreaker.fromJSON(snapshot, this.settings.circuit);
      else {
        const options = { limitNano: burnLimit ?? 0, windowMs: BURN_WINDOW_MS };
        breaker = snapshot === undefined ? new BurnRateBreaker(options) : BurnRateBreaker.fromJSON(snapshot, options);
      }
    } catch {
      // A stored state this wflo cannot read is forgotten rather than trusted: the breaker starts closed.
      breaker = kind === 'provider' ? new CircuitBreaker(this.settings.circuit) : new BurnRateBreaker({ limitNano: burnLimit ?? 0, windowMs: BURN_WINDOW_MS });
    }
    // What the store holds now: a breaker read from it is saved only once it changes.
    const entry: Entry = { breaker, kind, savedGate: JSON.stringify(breaker.gateState()), savedStreak: streakOf(breaker) };
    this.entries.set(name, entry);
    return entry;
  }

  private abandon(name: string, now: number): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    // Forgetting the probe is what a restart does: the next caller becomes the probe.
    if (entry.breaker.gateState().state !== 'half-open') return;
    const state = entry.breaker.toJSON();
    const restored = entry.breaker instanceof CircuitBreaker
      ? CircuitBreaker.fromJSON(state, this.settings.circuit)
      : BurnRateBreaker.fromJSON(state, { limitNano: this.burnLimit(name), windowMs: BURN_WINDOW_MS });
    entry.breaker = restored;
    this.save(name, entry, now, null);
  }

  private burnLimit(name: string): number {
    const agent = name.slice('agent:'.length).replace(/:tokens$/, '');
    const limits = this.settings.agents.get(agent);
    return (name.endsWith(':tokens') ? limits?.maxTokensPerMinute : limits?.maxNanoPerMinute) ?? 0;
  }

  /**
   * Writes the breaker when the next run must see the change: its state moved (opened, probing,
   * closed), or a circuit's run of failures grew or was broken. A healthy call on a closed
   * circuit writes nothing, and the check compares a few bytes, not the whole window.
   */
  private save(name: string, entry: Entry, now: number, lastError: string | null): void {
    const streak = streakOf(entry.breaker);
    // The common case, a healthy call on a closed circuit stored as closed, without serialising the gate.
    if (entry.breaker.state === 'closed' && entry.savedGate === CLOSED_GATE && streak === entry.savedStreak) return;
    const gate = JSON.stringify(entry.breaker.gateState());
    if (gate === entry.savedGate && streak === entry.savedStreak) return;
    const before = entry.savedGate;
    entry.savedGate = gate;
    entry.savedStreak = streak;
    const { state, retryAt } = stateOf(entry.breaker, now);
    const wasOpen = before.includes('"state":"open"');
    if (state === 'open' && !wasOpen) {
      this.warn(entry.kind === 'provider'
        ? `circuit ${name} opened after repeated failures${lastError ? ` (last: ${lastError})` : ''}; its calls fail at once until ${clockTime(retryAt ?? now)}, then one probe is let through`
        : `agent ${name.slice('agent:'.length)} is spending too fast (over its ${this.describeLimit(name)}); its calls fail at once until ${clockTime(retryAt ?? now)}`, true);
    } else if (state === 'closed' && (wasOpen || before.includes('"state":"half-open"'))) {
      this.warn(`circuit ${name} closed: the probe succeeded`, false);
    }
    this.store.saveCircuit({ name, kind: entry.kind, state, snapshot: JSON.stringify(entry.breaker.toJSON()), retryAt, lastError, runId: this.runId, updatedAt: now });
  }

  private describeLimit(name: string): string {
    const limit = this.burnLimit(name);
    return name.endsWith(':tokens') ? `${limit} tokens per minute` : `${formatUsd(limit)} per minute`;
  }

  private refusal(name: string, entry: Entry, retryAt: number): BreakerRefusal {
    const what = entry.kind === 'provider' ? `the ${name} circuit is open after repeated failures` : `agent ${name.slice('agent:'.length)} is over its ${this.describeLimit(name)}`;
    return {
      circuit: name, retryAt,
      message: `${what}; the call was not sent (it may go after ${clockTime(retryAt)}; \`wflo circuits reset ${name}\` closes it)`,
      details: { circuit: name, retryAt: clockTime(retryAt) },
    };
  }
}
