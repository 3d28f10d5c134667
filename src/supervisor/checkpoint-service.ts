import type { CheckpointMessage, SupervisorMessage } from '../protocol/messages.js';
import type { CheckpointStore, KnownHead } from '../store/checkpoint-store.js';
import type { EventSink } from './events.js';

export interface CheckpointServiceOptions {
  runId: string;
  attempt: number;
  store: CheckpointStore;
  spent: () => number;
  clock: () => number;
  emit: EventSink;
}

/**
 * Answers the SDK's checkpoint requests. While the run is live nothing else writes its
 * checkpoints, so the head is kept in memory: a save is one insert, no look-ups.
 */
export class CheckpointService {
  private readonly known: KnownHead;

  constructor(private readonly o: CheckpointServiceOptions) {
    const head = o.store.head(o.runId);
    this.known = { head: head ?? null, nextSeq: o.store.nextSeq(o.runId) };
  }

  /** The head checkpoint's sequence number (0 before any): calls are filed after it. */
  headSeq(): number { return this.known.head?.seq ?? 0; }

  save(m: CheckpointMessage): SupervisorMessage {
    const result = this.o.store.save({
      runId: this.o.runId, name: m.name, payload: m.payload, base: m.base, hash: m.hash, size: m.size,
      spentNano: this.o.spent(), attempt: this.o.attempt, createdAt: this.o.clock(),
    }, this.known);
    if (!result.saved) return { type: 'failed', rid: m.rid, code: 'need_full', message: 'send the whole state' };
    if (!result.deduplicated) {
      this.known.head = { id: result.id, seq: result.seq, name: m.name, stateHash: m.hash };
      this.known.nextSeq = result.seq + 1;
    }
    this.o.emit({ type: 'checkpoint', id: result.id, seq: result.seq, name: m.name, sizeBytes: m.size, deduplicated: result.deduplicated });
    return { type: 'checkpoint-saved', rid: m.rid, id: result.id, seq: result.seq, deduplicated: result.deduplicated };
  }

  last(rid: number): SupervisorMessage {
    const head = this.o.store.head(this.o.runId);
    return { type: 'checkpoints', rid, checkpoints: head ? [{ id: head.id, name: head.name, seq: head.seq, state: this.o.store.state(head.id) }] : [] };
  }

  /** The run's checkpoints on its current timeline (not superseded), oldest first. */
  list(rid: number): SupervisorMessage {
    const active = this.o.store.list(this.o.runId).filter((c) => !c.superseded);
    return { type: 'checkpoints', rid, checkpoints: active.map((c) => ({ id: c.id, name: c.name, seq: c.seq, state: this.o.store.state(c.id) })) };
  }
}
