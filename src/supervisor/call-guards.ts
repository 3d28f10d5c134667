import type { GuardSettings } from '../config/guard-settings.js';
import type { DeadLetterMessage, DenyCode, DenyDetails, ReserveMessage, SettleMessage, ToolRunMessage } from '../protocol/messages.js';
import { redact, redactJson } from '../protocol/redact.js';
import type { GuardStore } from '../store/guard-store.js';
import { Breakers, type BreakerTicket } from './breakers.js';
import type { EventSink } from './events.js';
import { LoopWatch } from './loop-watch.js';

/** Stored tool arguments are cut to this length: enough to see what was asked. */
const ARGS_CHARS = 2000;

export interface GuardRefusal { code: DenyCode; message: string; details: DenyDetails; stop: boolean }

/** A call the guards let through: its breakers, and its request while out (for loops). */
export interface GuardTicket { breakers: BreakerTicket; request: { agent: string | null; fingerprint: string } }

export interface CallGuardsOptions {
  settings: GuardSettings;
  store: GuardStore;
  runId: string;
  emit: EventSink;
}

/**
 * The guards on the path of every call: loops and breakers before it is sent, and what its
 * response teaches them after (tool calls asked for, failures, spend). Also files tool runs
 * and dead letters the hooks report.
 */
export class CallGuards {
  readonly loops: LoopWatch;
  private readonly breakers: Breakers;
  /** Circuits and burn-rate breakers that opened in this run. */
  trips = 0;

  constructor(private readonly o: CallGuardsOptions) {
    this.loops = new LoopWatch(o.settings.onLoop, o.settings.loop);
    this.breakers = new Breakers(o.settings, o.store, o.runId, (message, tripped) => {
      if (tripped) this.trips++;
      o.emit({ type: 'warning', message });
    });
  }

  /** Before a call is sent: a loop or an open breaker refuses it; else it goes with a ticket. Retries are not new calls for loops. */
  before(request: ReserveMessage, now: number): GuardRefusal | GuardTicket {
    if (request.retryOf === null && this.o.settings.enabled) {
      const action = this.loops.beforeCall(request.agent, request.fingerprint);
      if (action.kind === 'warn') this.o.emit({ type: 'warning', message: action.message });
      else if (action.kind !== 'none') return { code: 'loop_detected', message: action.message, details: action.details, stop: action.kind === 'stop' };
    }
    const admitted = this.breakers.admit(request.provider, request.model, request.agent, now);
    if ('retryAt' in admitted) return { code: 'circuit_open', message: admitted.message, details: admitted.details, stop: false };
    this.loops.sending(request.agent, request.fingerprint, 1);
    return { breakers: admitted, request: { agent: request.agent, fingerprint: request.fingerprint } };
  }

  /**
   * True when calls may go without being seen first: no loop warned about that a next call
   * would act on, and every circuit closed with no failure since its last success.
   */
  calm(): boolean {
    const loopsCalm = !this.o.settings.enabled || this.o.settings.onLoop === 'warn' || this.loops.quiet;
    return loopsCalm && this.breakers.calm();
  }

  /** The call was not sent after all, or its process ended with it. */
  release(ticket: GuardTicket | null, now: number): void {
    if (!ticket) return;
    this.breakers.release(ticket.breakers, now);
    this.loops.sending(ticket.request.agent, ticket.request.fingerprint, -1);
  }

  /** A call settled: breakers learn its outcome, loops its tool calls, the store its tool calls. A loop to stop for is returned. */
  after(seq: number, request: ReserveMessage, ticket: GuardTicket | null, m: SettleMessage, costNano: number, now: number): string | null {
    if (ticket) {
      this.loops.sending(request.agent, request.fingerprint, -1);
      const unsent = m.httpStatus === 0 && m.errorCode === null && m.outcome === 'error';
      const tokens = m.usage ? m.usage.inputTokens + m.usage.outputTokens : 0;
      this.breakers.settled(ticket.breakers, request.agent, {
        httpStatus: m.httpStatus === 0 ? null : m.httpStatus, errorCode: m.errorCode, unsent, costNano, tokens,
        error: m.error ?? (m.httpStatus >= 400 ? `HTTP ${m.httpStatus}` : null),
      }, now);
    }
    if (m.toolCalls.length === 0) return null;
    // Tool calls are recorded whatever the guards; loops are looked for only when they are on.
    for (const tool of m.toolCalls) {
      this.o.store.insertToolCall({
        runId: this.o.runId, source: 'model', callSeq: seq, agent: request.agent, name: tool.name.slice(0, 200),
        args: redact(tool.args).slice(0, ARGS_CHARS), ok: null, durationMs: null, error: null, createdAt: now,
      });
    }
    if (!this.o.settings.enabled) return null;
    const action = this.loops.afterResponse(request.agent, m.toolCalls);
    if (action.kind === 'warn') this.o.emit({ type: 'warning', message: action.message });
    return action.kind === 'stop' ? action.message : null;
  }

  /** A tool run through the SDK's tool(), or a call a hook gave up on. */
  report(message: ToolRunMessage | DeadLetterMessage, now: number): void {
    if (message.type === 'tool-run') {
      this.o.store.insertToolCall({
        runId: this.o.runId, source: 'wrapped', callSeq: null, agent: message.agent, name: message.name.slice(0, 200), args: null,
        ok: message.ok, durationMs: message.durationMs, error: message.error === null ? null : redact(message.error), createdAt: now,
      });
      return;
    }
    this.o.store.addDeadLetterFor(this.o.runId, {
      firstSeq: message.firstCallId, lastSeq: message.lastCallId, attempts: message.attempts, httpStatus: message.httpStatus,
      error: redact(message.error), summary: redactJson(message.summary), createdAt: now,
    });
    this.o.emit({ type: 'warning', message: `gave up on call ${message.lastCallId} after ${message.attempts} attempt${message.attempts === 1 ? '' : 's'}: ${message.error} (see wflo dlq)` });
  }
}
