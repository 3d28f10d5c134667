import { Ledger } from '../ledger/ledger.js';
import type { Nano } from '../ledger/money.js';
import { formatUsd } from '../ledger/money.js';
import type { PriceBook } from '../pricing/price-book.js';
import { unknownPriceMessage } from '../pricing/price-book.js';
import { costOf, worstCaseOf, type ModelRates } from '../pricing/rates.js';
import type { DenyCode, ReserveMessage, SettleMessage, SupervisorMessage } from '../protocol/messages.js';
import type { JournalStore } from '../store/journal-store.js';
import type { RunStore } from '../store/run-store.js';
import type { EventSink } from './events.js';
import type { ReplayQueue } from './replay-queue.js';

interface InFlight {
  seq: number;
  connection: number;
  pid: number;
  request: ReserveMessage;
  rates: ModelRates | undefined;
  startedAt: number;
  afterCheckpointSeq: number;
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
  /** Called when a call is refused for the budget. */
  onBudgetDenied: (message: string) => void;
  /** Called when a call cost more than its bound and the run is now over its budget. */
  onOverspent: (message: string) => void;
}

/**
 * Decides every call: prices its worst case, reserves it in the ledger, records it, and
 * settles it with the real usage. Every call it grants is in the store from that moment.
 */
export class CallAccountant {
  private readonly inFlight = new Map<number, InFlight>();
  private nextSeq: number;
  private stopping = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: AccountantOptions) {
    this.nextSeq = o.firstSeq;
  }

  get ledger(): Ledger { return this.o.ledger; }

  /** No call is granted after this (the run is being stopped). */
  refuseAll(): void { this.stopping = true; }

  /** Resolves when no granted call is in flight: their money is committed, so let them land. */
  whenIdle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  reserve(connection: number, pid: number, request: ReserveMessage): SupervisorMessage {
    const seq = this.nextSeq++;
    const { ledger, prices } = this.o;
    const rates = prices.rates(request.provider, request.model);
    const budgeted = ledger.budgetNano !== null;
    const deny = (code: DenyCode, message: string): SupervisorMessage => {
      this.record(seq, pid, request, 'denied', 0, rates !== undefined, message);
      this.o.emit({ type: 'call-denied', seq, pid, provider: request.provider, model: request.model, code, message });
      if (code === 'budget_exceeded') this.o.onBudgetDenied(message);
      return { type: 'deny', rid: request.rid, code, message };
    };
    if (this.stopping) return deny('run_stopping', 'the run is stopping; no new LLM calls are sent');
    const journaled = this.o.replay?.take(request.requestKey);
    if (journaled) {
      // Paid for by an earlier attempt: serve it again, free.
      this.record(seq, pid, request, 'replayed', 0, rates !== undefined, null);
      this.o.emit({ type: 'call-settled', seq, pid, provider: request.provider, model: request.model, endpoint: request.endpoint,
        stream: request.stream, status: 'replayed', usage: null, costNano: 0, latencyMs: 0, spentNano: ledger.spent, error: null });
      return { type: 'replay', rid: request.rid, callId: seq, httpStatus: journaled.httpStatus, contentType: journaled.contentType, body: journaled.body };
    }
    if (!rates && budgeted) return deny('unknown_price', unknownPriceMessage(request.provider, request.model));
    if (request.unbounded && budgeted) {
      return deny('unbounded_cost', `cannot bound the cost of this ${request.model} call under a budget: ${request.unbounded}; send the content in the request, or run without --budget`);
    }
    let worstCase: Nano = 0;
    if (rates) {
      const outputMax = request.outputTokensMax ?? (rates.outputLimit === null ? null : rates.outputLimit * request.choices);
      if (outputMax === null && budgeted) {
        return deny('unknown_price', `cannot bound the cost of a "${request.model}" call: the request sets no max tokens and wflo knows no output limit for the model; `
          + `set max tokens in the call or "max_output_tokens" under prices."${request.model}" in wflo.config.json`);
      }
      worstCase = worstCaseOf(rates, request.inputTokensMax, outputMax ?? 0);
    }
    const held = ledger.reserve(seq, worstCase);
    if (!held.granted) {
      return deny('budget_exceeded', `budget exceeded: a ${request.model} call could cost up to ${formatUsd(held.worstCase)}, `
        + `and ${formatUsd(held.spent)} of the ${formatUsd(held.budget)} budget is spent`
        + (held.reserved > 0 ? ` (${formatUsd(held.reserved)} more held for calls in flight)` : ''));
    }
    this.inFlight.set(seq, { seq, connection, pid, request, rates, startedAt: this.o.clock(), afterCheckpointSeq: this.o.headSeq() });
    this.record(seq, pid, request, 'in_flight', worstCase, rates !== undefined, null);
    return { type: 'grant', rid: request.rid, callId: seq };
  }

  settle(connection: number, message: SettleMessage): void {
    const call = this.inFlight.get(message.callId);
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
  }

  /** A connection closed: whatever it still had in flight is charged at its reservation. */
  abandonConnection(connection: number): void {
    for (const call of [...this.inFlight.values()]) {
      if (call.connection !== connection) continue;
      this.inFlight.delete(call.seq);
      const cost = this.o.ledger.chargeReservation(call.seq);
      this.finish(call, 'estimated', cost, null, null, null, null, 'the process ended before the call finished');
    }
  }

  private finish(call: InFlight, status: 'ok' | 'error' | 'estimated', cost: Nano, usage: SettleMessage['usage'],
    httpStatus: number | null, latencyMs: number | null, responseModel: string | null, error: string | null,
    journal: { contentType: string; body: string; requestKey: string } | null = null): void {
    const { ledger, store, runId } = this.o;
    const endedAt = this.o.clock();
    store.transaction(() => {
      store.settleCall(runId, call.seq, {
        status, estimated: status === 'estimated', usage: status === 'ok' ? usage : null, costNano: cost,
        httpStatus, latencyMs, responseModel, error, endedAt,
      });
      if (journal) {
        this.o.journal?.add(runId, { callSeq: call.seq, requestKey: journal.requestKey, httpStatus: httpStatus ?? 200,
          contentType: journal.contentType, body: journal.body }, call.afterCheckpointSeq, this.o.attempt, endedAt);
      }
    });
    if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    const r = call.request;
    this.o.emit({
      type: 'call-settled', seq: call.seq, pid: call.pid, provider: r.provider, model: r.model, endpoint: r.endpoint, stream: r.stream,
      status, usage: status === 'ok' ? usage : null, costNano: cost, latencyMs, spentNano: ledger.spent, error,
    });
  }

  private record(seq: number, pid: number, r: ReserveMessage, status: 'in_flight' | 'denied' | 'replayed', reserved: Nano, priced: boolean, error: string | null): void {
    const { store, runId } = this.o;
    store.insertCall({
      runId, seq, pid, provider: r.provider, model: r.model, endpoint: r.endpoint, stream: r.stream,
      status, priced, reservedNano: reserved, startedAt: this.o.clock(), error, attempt: this.o.attempt, afterCheckpointSeq: this.o.headSeq(),
    });
  }
}
