import type { CheckpointMessage, SupervisorMessage } from '../protocol/messages.js';
import type { CheckpointStore } from '../store/checkpoint-store.js';
import type { EventSink } from './events.js';

export interface CheckpointServiceOptions {
  runId: string;
  attempt: number;
  store: CheckpointStore;
  spent: () => number;
  clock: () => number;
  emit: EventSink;
}

/** Answers the SDK's checkpoint requests and knows the run's head (calls are filed after it). */
export class CheckpointService {
  private headSeqNow: number;

  constructor(private readonly o: CheckpointServiceOptions) {
    this.headSeqNow = o.store.head(o.runId)?.seq ?? 0;
  }

  headSeq(): number { return this.headSeqNow; }

  save(m: CheckpointMessage): SupervisorMessage {
    const result = this.o.store.save({
      runId: this.o.runId, name: m.name, payload: m.payload, base: m.base, hash: m.hash, size: m.size,
      spentNano: this.o.spent(), attempt: this.o.attempt, createdAt: this.o.clock(),
    });
    if (!result.saved) return { type: 'failed', rid: m.rid, code: 'need_full', message: 'send the whole state' };
    this.headSeqNow = result.seq;
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
