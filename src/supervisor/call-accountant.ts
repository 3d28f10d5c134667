import type { Answer, Ledger, Refusal } from '../ledger/ledger.js';
import type { Nano } from '../ledger/money.js';
import { formatUsd, nanoToUsd } from '../ledger/money.js';
import type { PriceBook } from '../pricing/price-book.js';
import { unknownPriceMessage } from '../pricing/price-book.js';
import { costOf, type ModelRates } from '../pricing/rates.js';
import type { DeadLetterMessage, DenyCode, DenyDetails, ReserveMessage, SettleMessage, StartMessage, SupervisorMessage, ToolRunMessage } from '../protocol/messages.js';
import type { CallGuards, GuardTicket } from './call-guards.js';
import type { JournalStore } from '../store/journal-store.js';
import type { RunStore } from '../store/run-store.js';
import type { NewCall } from '../store/types.js';
import { requestedOutput } from '../pricing/output-ceiling.js';
import { demandOf, type FitPolicy } from './call-demand.js';
import type { EventSink } from './events.js';
import { LeaseDesk } from './lease-desk.js';
import { LocalIds } from './local-ids.js';
import type { ReplayQueue } from './replay-queue.js';
import { ResponseContext } from './response-context.js';

/** A call the ledger is deciding or has granted. */
interface Call {
  seq: number;
  connection: number;
  pid: number;
  request: ReserveMessage;
  rates: ModelRates | undefined;
  arrivedAt: number;
  afterCheckpointSeq: number;
  /** The fewest output tokens worth sending when the call is fitted to a budget; null when it cannot be fitted. */
  floor: ((budget: Nano) => number) | null;
  /** The breakers that let it through (released if it is not sent after all). */
  ticket: GuardTicket | null;
  /** The output limit the reservation assumed when the request set none (the model's), to be sent with it; else null. */
  assumed: number | null;
  /** The output limit per answer wflo set to fit the budget, or null. */
  cap: number | null;
  /** It waits only for money lent to processes to come back (no call in flight holds any): not a wait worth telling. */
  recalling?: boolean;
  /** A call granted from a lease: its hook's call log and number (`<nonce>:<lid>`). */
  hookCall?: string;
}

export interface AccountantOptions {
  runId: string;
  ledger: Ledger;
  prices: PriceBook;
  store: RunStore;
  /** Where completed calls' responses go; null when the run keeps no journal. */
  journal: JournalStore | null;
  /** Responses a resumed attempt may serve again; null when there are none. */
  replay: ReplayQueue | null;
  attempt: number;
  /** The head checkpoint's sequence number now (0 before any): calls are filed after it. */
  headSeq: () => number;
  firstSeq: number;
  clock: () => number;
  emit: EventSink;
  fit: FitPolicy;
  /** Sends an answer decided after its request was handled (a call that waited). */
  post: (connection: number, message: SupervisorMessage) => void;
  /** The guards: loops, breakers, tool calls, dead letters. */
  guards: CallGuards;
  /** Agents whose calls are always asked for (a budget or burn-rate limits of their own): never granted from a lease. */
  centralAgents: string[];
  /** Called when a call is refused for the budget (`agent` set when it was the agent's budget). */
  onBudgetDenied: (message: string, agent: string | null) => void;
  /** Called when a loop went on after its warning and the policy is to stop. */
  onLoopStop: (message: string) => void;
  /** Called when a call cost more than its bound and the run is now over its budget. */
  onOverspent: (message: string) => void;
}

function budgetMessage(model: string, r: Refusal, floor: number | null): string {
  if (r.agent !== null) {
    return `agent "${r.agent}" budget exceeded: ${formatUsd(Math.max(0, r.budget - r.spent))} of its ${formatUsd(r.budget)} budget is left, too little for a ${model} call `
      + (floor === null ? `that could cost up to ${formatUsd(r.worstCase)}` : `with at least ${floor} output token${floor === 1 ? '' : 's'} (as written it could cost up to ${formatUsd(r.worstCase)})`);
  }
  if (floor === null) {
    return `budget exceeded: a ${model} call could cost up to ${formatUsd(r.worstCase)}, and ${formatUsd(r.spent)} of the ${formatUsd(r.budget)} budget is spent`;
  }
  return `budget exceeded: ${formatUsd(Math.max(0, r.budget - r.spent))} of the ${formatUsd(r.budget)} budget is left, too little for a ${model} call `
    + `with at least ${floor} output token${floor === 1 ? '' : 's'} (as written it could cost up to ${formatUsd(r.worstCase)})`;
}

/**
 * Decides every call: prices its worst case, asks the ledger (grant, cut to fit, wait, refuse),
 * records it, and settles it with the real usage. Every call it grants is in the store from
 * that moment; every call that waits is answered once the ledger decides it.
 */
export class CallAccountant {
  private readonly inFlight = new Map<number, Call>();
  private readonly waiting = new Map<number, Call>();
  private readonly context: ResponseContext;
  private nextSeq: number;
  private stopping = false;
  private idleWaiters: Array<() => void> = [];
  /** Leases: money lent to processes to grant calls themselves. */
  private readonly desk: LeaseDesk;
  /** Calls granted from a lease, by connection and the hook's number: their seq. */
  private readonly localIds = new LocalIds();
  /**
   * Calls started from a lease in this batch, not written yet: one that settles in the same batch
   * is written once, settled. The rest are written at the end of the batch (flushStarts), before it commits.
   */
  private readonly unwritten = new Map<number, NewCall>();

  constructor(private readonly o: AccountantOptions) {
    this.nextSeq = o.firstSeq;
    this.context = new ResponseContext(o.store, o.runId);
    this.desk = new LeaseDesk({
      ledger: o.ledger, post: o.post, central: o.centralAgents,
      // Every call is asked for while a guard must see it first, a resumed run may replay it, or the run stops.
      paused: () => this.stopping || !o.guards.calm() || (o.replay !== null && !o.replay.empty),
    });
  }

  /** After each batch of hook messages: leases are topped up, or recalled. */
  reviewLeases(): void {
    this.desk.review();
  }

  get ledger(): Ledger { return this.o.ledger; }

  /** No call is granted after this (the run is being stopped); calls still waiting are refused. */
  refuseAll(): void {
    this.stopping = true;
    const withdrawn = this.o.ledger.withdrawAll();
    for (const seq of withdrawn) {
      const call = this.waiting.get(seq);
      if (call) this.answer(call, this.deny(call, 'run_stopping', 'the run is stopping; no new LLM calls are sent'));
    }
    if (withdrawn.length > 0) this.o.emit({ type: 'queue', waiting: 0 });
    // Loans come back and no process grants itself another call.
    this.desk.review();
  }

  /** Resolves when no granted call is in flight: their money is committed, so let them land. */
  whenIdle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Answers a reserve now, or returns null when the call waits (its answer is posted later). */
  reserve(connection: number, pid: number, asked: ReserveMessage): SupervisorMessage | null {
    const { ledger, prices } = this.o;
    const request = asked.retryOf !== null && asked.retryOf < 0 ? { ...asked, retryOf: this.localIds.seqOf(connection, asked.retryOf) || null } : asked;
    const rates = prices.rates(request.provider, request.model);
    const budgeted = ledger.budgeted(request.agent);
    const call: Call = { seq: 0, connection, pid, request, rates, arrivedAt: this.o.clock(), afterCheckpointSeq: this.o.headSeq(), floor: null, cap: null, ticket: null, assumed: null };
    const deny = (code: DenyCode, message: string, details: DenyDetails | null = null): SupervisorMessage => this.deny(this.numbered(call), code, message, details);
    if (this.stopping) return deny('run_stopping', 'the run is stopping; no new LLM calls are sent');
    const journaled = this.o.replay?.take(request.requestKey);
    if (journaled) {
      // Paid for by an earlier attempt: serve it again, free.
      this.numbered(call);
      this.record(call, 'replayed', 0, null, null);
      this.o.emit({ type: 'call-settled', seq: call.seq, pid, provider: request.provider, model: request.model, endpoint: request.endpoint,
        stream: request.stream, status: 'replayed', usage: null, costNano: 0, latencyMs: 0, spentNano: ledger.spent, error: null, outputCap: null, agent: request.agent });
      return { type: 'replay', rid: request.rid, callId: call.seq, httpStatus: journaled.httpStatus, contentType: journaled.contentType, body: journaled.body };
    }
    if (!rates && budgeted) return deny('unknown_price', unknownPriceMessage(request.provider, request.model));
    if (request.unbounded && budgeted) {
      return deny('unbounded_cost', `cannot bound the cost of this ${request.model} call under a budget: ${request.unbounded}; send the content in the request, or run without --budget`);
    }
    const stored = this.context.tokensFor(request.refs);
    if (typeof stored === 'string' && budgeted) {
      return deny('unbounded_cost', `cannot bound the cost of this ${request.model} call under a budget: it continues stored content ("${stored}") `
        + 'that wflo did not see in this run; send the content in the request, or run without --budget');
    }
    if (!rates) return this.guarded(call, deny) ?? this.grant(this.numbered(call), { held: 0, cut: null });
    const perAnswer = requestedOutput(request, rates);
    if (perAnswer === null && budgeted) {
      return deny('unknown_price', `cannot bound the cost of a "${request.model}" call: the request sets no max tokens and wflo knows no output limit for the model; `
        + `set max tokens in the call or "max_output_tokens" under prices."${request.model}" in wflo.config.json`);
    }
    const inputTokens = request.inputTokensMax + (typeof stored === 'number' ? stored : 0);
    // Under a budget, a request that sets no output limit is sent with the one it was reserved for:
    // the provider then enforces the bound, even if the model's real limit is above the catalogue's.
    if (budgeted && request.outputTokensMax === null && request.fit && perAnswer !== null) call.assumed = perAnswer;
    const demand = demandOf(rates, request, inputTokens, perAnswer ?? 0, this.o.fit, budgeted);
    call.floor = demand.floor ?? null;
    // The byte bound is what keeps the call from going whole: an exact count may let it.
    if (budgeted && request.countable && !request.counted && demand.full > (ledger.room(request.agent) ?? 0)) {
      return { type: 'recount', rid: request.rid };
    }
    const guarded = this.guarded(call, deny);
    if (guarded) return guarded;
    this.numbered(call);
    const decision = ledger.request(call.seq, demand, request.agent);
    if (decision.kind !== 'wait') return this.decided(call, decision);
    this.waiting.set(call.seq, call);
    call.recalling = ledger.reserved === ledger.lent;
    if (!call.recalling) {
      this.o.emit({ type: 'call-waiting', seq: call.seq, pid, model: request.model, worstCaseNano: demand.full,
        heldNano: ledger.reserved - ledger.lent, inFlight: ledger.inFlight, waiting: ledger.waiting });
    }
    return null;
  }

  /** Loops and breakers: a refusal to send, or null with the call's breaker ticket kept. */
  private guarded(call: Call, deny: (code: DenyCode, message: string, details: DenyDetails | null) => SupervisorMessage): SupervisorMessage | null {
    const verdict = this.o.guards.before(call.request, this.o.clock());
    if ('breakers' in verdict) { call.ticket = verdict; return null; }
    const answer = deny(verdict.code, verdict.message, verdict.details);
    if (verdict.stop) this.o.onLoopStop(verdict.message);
    return answer;
  }

  /**
   * A call a hook granted from its lease. It is on its way to the provider: it is recorded and
   * held whatever the guards now say (a refusal that came too late is a warning, or stops the run).
   */
  start(connection: number, pid: number, log: string, m: StartMessage): void {
    const retryOf = m.retryOf === null ? null : this.localIds.seqOf(connection, m.retryOf) || null;
    // Field by field, not spread: one shape for every call, built fast (a spread was the supervisor's costliest line per call).
    const request: ReserveMessage = {
      type: 'reserve', rid: 0, provider: m.provider, endpoint: m.endpoint, model: m.model, stream: m.stream, inputTokensMax: m.inputTokensMax,
      outputTokensMax: m.outputTokensMax, choices: m.choices, unbounded: m.unbounded, refs: m.refs, counted: false, countable: false, fit: m.fit,
      minOutputTokens: m.minOutputTokens, requestKey: m.requestKey, agent: m.agent, fingerprint: m.fingerprint, retryOf, tryNumber: m.tryNumber,
    };
    const { held } = m;
    const now = this.o.clock();
    const call: Call = { seq: 0, connection, pid, request, rates: this.o.prices.rates(request.provider, request.model), arrivedAt: now,
      afterCheckpointSeq: this.o.headSeq(), floor: null, ticket: null, assumed: m.sentLimit, cap: null, hookCall: `${log}:${m.lid}` };
    this.numbered(call);
    this.localIds.add(connection, m.lid, call.seq);
    const verdict = this.o.guards.before(request, now);
    if ('breakers' in verdict) call.ticket = verdict;
    else {
      this.o.emit({ type: 'warning', message: `call ${call.seq} was already on its way when wflo would have refused it: ${verdict.message}` });
      if (verdict.stop) this.o.onLoopStop(verdict.message);
    }
    this.o.ledger.adopt(call.seq, held, connection);
    this.inFlight.set(call.seq, call);
    this.unwritten.set(call.seq, this.row(call, 'in_flight', held, null, null));
  }

  /** At the end of each batch: the calls started in it that are still in flight are written. */
  flushStarts(): void {
    if (this.unwritten.size === 0) return;
    for (const row of this.unwritten.values()) this.o.store.insertCall(row);
    this.unwritten.clear();
  }

  /** What a hook had not used of its lease, given back. */
  returned(connection: number, amount: number): void {
    this.desk.returned(connection, amount);
    this.pump();
  }

  /** A tool run or a call given up on, reported by a hook. */
  report(connection: number, message: ToolRunMessage | DeadLetterMessage): void {
    const named = message.type === 'dead-letter'
      ? { ...message, firstCallId: this.localIds.seqOf(connection, message.firstCallId), lastCallId: this.localIds.seqOf(connection, message.lastCallId) }
      : message;
    this.o.guards.report(named, this.o.clock());
  }

  settle(connection: number, message: SettleMessage): void {
    const call = this.inFlight.get(this.localIds.seqOf(connection, message.callId));
    if (!call || call.connection !== connection) return;
    this.inFlight.delete(call.seq);
    const { ledger } = this.o;
    let status: 'ok' | 'error' | 'estimated';
    let cost: Nano;
    if (message.outcome === 'ok' && message.usage) {
      status = 'ok';
      const held = ledger.heldFor(call.seq) ?? 0;
      cost = ledger.settle(call.seq, call.rates ? costOf(call.rates, message.usage) : 0);
      if (ledger.budgetNano !== null && cost > held && ledger.spent > ledger.budgetNano) {
        this.o.onOverspent(`a ${call.request.model} call cost ${formatUsd(cost)}, more than wflo's bound of ${formatUsd(held)}, `
          + `and the run has spent ${formatUsd(ledger.spent)} of its ${formatUsd(ledger.budgetNano)} budget`);
      }
      this.context.remember(message.context, message.usage);
    } else if (message.outcome === 'error') {
      status = 'error';
      cost = ledger.settle(call.seq, 0);
    } else {
      status = 'estimated';
      cost = ledger.chargeReservation(call.seq);
    }
    const journal = status === 'ok' && message.journal && call.request.requestKey !== null && this.o.journal
      ? { ...message.journal, requestKey: call.request.requestKey } : null;
    this.finish(call, status, cost, message.usage, message.httpStatus, message.latencyMs, message.model, message.error, journal);
    const loop = this.o.guards.after(call.seq, call.request, call.ticket, message, cost, this.o.clock());
    if (loop !== null) this.o.onLoopStop(loop);
    this.pump();
  }

  /** A connection closed: whatever it still had in flight is charged at its reservation; its waiting calls were never sent. */
  abandonConnection(connection: number): void {
    for (const call of [...this.waiting.values()]) {
      if (call.connection !== connection || !this.o.ledger.withdraw(call.seq)) continue;
      this.deny(call, 'run_stopping', 'the process ended while the call waited for budget; it was never sent');
      this.o.emit({ type: 'queue', waiting: this.o.ledger.waiting });
    }
    for (const call of [...this.inFlight.values()]) {
      if (call.connection !== connection) continue;
      this.inFlight.delete(call.seq);
      this.o.guards.release(call.ticket, this.o.clock());
      const cost = this.o.ledger.chargeReservation(call.seq);
      this.finish(call, 'estimated', cost, null, null, null, null, 'the process ended before the call finished');
    }
    this.desk.closed(connection);
    this.localIds.forget(connection);
    this.pump();
  }

  /** Money was released or spent: answer the calls that waited for it, oldest first. */
  private pump(): void {
    if (this.waiting.size === 0) return;
    const answered = this.o.ledger.pump();
    for (const { callId, decision } of answered) {
      const call = this.waiting.get(callId);
      if (call) this.answer(call, this.decided(call, decision));
    }
    if (answered.length > 0) this.o.emit({ type: 'queue', waiting: this.o.ledger.waiting });
  }

  private answer(call: Call, message: SupervisorMessage): void {
    this.waiting.delete(call.seq);
    this.o.post(call.connection, message);
  }

  private decided(call: Call, decision: Answer): SupervisorMessage {
    if (decision.kind === 'grant') return this.grant(call, decision);
    const r = decision.refusal;
    return this.deny(call, 'budget_exceeded', budgetMessage(call.request.model, r, call.floor?.(r.budget) ?? null),
      { agent: r.agent, spentUsd: nanoToUsd(r.spent), budgetUsd: nanoToUsd(r.budget) }, r.agent);
  }

  private grant(call: Call, decision: { held: Nano; cut: number | null }): SupervisorMessage {
    this.inFlight.set(call.seq, call);
    if (call.rates) this.desk.learned(call.connection, call.rates);
    call.cap = decision.cut;
    const now = this.o.clock();
    const waitedMs = this.waiting.has(call.seq) && !call.recalling ? now - call.arrivedAt : null;
    this.record(call, 'in_flight', decision.held, decision.cut, waitedMs);
    if (decision.cut !== null && call.rates) {
      this.o.emit({ type: 'call-capped', seq: call.seq, pid: call.pid, model: call.request.model, outputTokens: decision.cut,
        requested: requestedOutput(call.request, call.rates), heldNano: decision.held });
    }
    return { type: 'grant', rid: call.request.rid, callId: call.seq, maxOutputTokens: decision.cut ?? call.assumed };
  }

  private deny(call: Call, code: DenyCode, message: string, details: DenyDetails | null = null, agent: string | null = null): SupervisorMessage {
    const r = call.request;
    this.o.guards.release(call.ticket, this.o.clock());
    this.record(call, 'denied', 0, null, this.waiting.has(call.seq) && !call.recalling ? this.o.clock() - call.arrivedAt : null, message);
    this.waiting.delete(call.seq);
    this.o.emit({ type: 'call-denied', seq: call.seq, pid: call.pid, provider: r.provider, model: r.model, code, message });
    if (code === 'budget_exceeded') this.o.onBudgetDenied(message, agent);
    return { type: 'deny', rid: r.rid, code, message, details };
  }

  /** Calls are numbered when first decided (a call asked to recount is not a call yet). */
  private numbered(call: Call): Call {
    if (call.seq === 0) call.seq = this.nextSeq++;
    return call;
  }

  private finish(call: Call, status: 'ok' | 'error' | 'estimated', cost: Nano, usage: SettleMessage['usage'],
    httpStatus: number | null, latencyMs: number | null, responseModel: string | null, error: string | null,
    journal: { contentType: string; body: string; requestKey: string } | null = null): void {
    const { ledger, store, runId } = this.o;
    const endedAt = this.o.clock();
    const unwritten = this.unwritten.get(call.seq);
    this.unwritten.delete(call.seq);
    store.transaction(() => {
      const settlement = { status, estimated: status === 'estimated', usage: status === 'ok' ? usage : null, costNano: cost, httpStatus, latencyMs, responseModel, error, endedAt };
      if (unwritten) store.insertSettledCall(unwritten, settlement);
      else store.settleCall(runId, call.seq, settlement);
      if (journal) {
        this.o.journal?.add(runId, { callSeq: call.seq, requestKey: journal.requestKey, httpStatus: httpStatus ?? 200,
          contentType: journal.contentType, body: journal.body }, call.afterCheckpointSeq, this.o.attempt, endedAt);
      }
    });
    if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    const r = call.request;
    this.o.emit({
      type: 'call-settled', seq: call.seq, pid: call.pid, provider: r.provider, model: r.model, endpoint: r.endpoint, stream: r.stream,
      status, usage: status === 'ok' ? usage : null, costNano: cost, latencyMs, spentNano: ledger.spent, error, outputCap: call.cap, agent: r.agent,
    });
  }

  private record(call: Call, status: 'in_flight' | 'denied' | 'replayed', reserved: Nano, outputCap: number | null, waitedMs: number | null, error: string | null = null): void {
    this.o.store.insertCall(this.row(call, status, reserved, outputCap, waitedMs, error));
  }

  private row(call: Call, status: 'in_flight' | 'denied' | 'replayed', reserved: Nano, outputCap: number | null, waitedMs: number | null, error: string | null = null): NewCall {
    const r = call.request;
    return {
      runId: this.o.runId, seq: call.seq, pid: call.pid, provider: r.provider, model: r.model, endpoint: r.endpoint, stream: r.stream,
      status, priced: call.rates !== undefined, reservedNano: reserved, startedAt: this.o.clock(), error, attempt: this.o.attempt,
      afterCheckpointSeq: call.afterCheckpointSeq, outputCap, waitedMs, agent: r.agent, retryOf: r.retryOf, tryNumber: r.tryNumber,
      hookCall: call.hookCall ?? null,
    };
  }
}
