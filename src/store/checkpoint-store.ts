import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type Database from 'better-sqlite3';
import type { Nano } from '../ledger/money.js';

export interface CheckpointRecord {
  id: string;
  runId: string;
  seq: number;
  name: string;
  stateHash: string;
  sizeBytes: number;
  spentNano: Nano;
  attempt: number;
  superseded: boolean;
  createdAt: number;
}

export interface NewCheckpoint {
  runId: string;
  name: string;
  /** JSON text: the whole state (base null), or a delta `{"set":{…},"del":[…]}` against base. */
  payload: string;
  base: string | null;
  hash: string;
  size: number;
  spentNano: Nano;
  attempt: number;
  createdAt: number;
}

/** The head as the supervisor tracks it in memory while a run is live (nothing else writes it then). */
export interface KnownHead {
  head: Pick<CheckpointRecord, 'id' | 'seq' | 'name' | 'stateHash'> | null;
  nextSeq: number;
}

export type SaveResult =
  | { saved: true; id: string; seq: number; deduplicated: boolean }
  | { saved: false; reason: 'need_full' };

interface Row {
  id: string; run_id: string; seq: number; name: string; state_hash: string; size_bytes: number;
  spent_nano: number; attempt: number; superseded: number; created_at: number;
}
interface PayloadRow { base_id: string | null; deflated: number; payload: Buffer }
interface Delta { set?: Record<string, unknown>; del?: string[] }

function toRecord(row: Row): CheckpointRecord {
  return {
    id: row.id, runId: row.run_id, seq: row.seq, name: row.name, stateHash: row.state_hash, sizeBytes: row.size_bytes,
    spentNano: row.spent_nano, attempt: row.attempt, superseded: row.superseded === 1, createdAt: row.created_at,
  };
}

const COLUMNS = 'id, run_id, seq, name, state_hash, size_bytes, spent_nano, attempt, superseded, created_at';
/** Whole states are deflated; deltas are small, and deflating them costs more than it saves. */
const DEFLATE_FROM_BYTES = 2048;

/** Checkpoints: a whole state, or only the top-level keys that changed since its base. */
export class CheckpointStore {
  private readonly insertStmt: Database.Statement;
  private readonly headStmt: Database.Statement;
  private readonly payloadStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO checkpoints (run_id, seq, id, name, state_hash, size_bytes, base_id, deflated, payload, spent_nano, attempt, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.headStmt = db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE run_id = ? AND superseded = 0 ORDER BY seq DESC LIMIT 1`);
    this.payloadStmt = db.prepare('SELECT base_id, deflated, payload FROM checkpoints WHERE id = ?');
  }

  /**
   * Stores a checkpoint, which becomes the run's head: one INSERT, atomic by itself.
   * `known` is the head the supervisor holds in memory, so the hot path looks nothing up.
   */
  save(c: NewCheckpoint, known: KnownHead): SaveResult {
    const { head } = known;
    // The same state under the same name as the head is not stored twice.
    if (head && head.stateHash === c.hash && head.name === c.name) return { saved: true, id: head.id, seq: head.seq, deduplicated: true };
    if (c.base !== null && c.base !== head?.id) {
      const base = this.db.prepare('SELECT run_id FROM checkpoints WHERE id = ?').get(c.base) as { run_id: string } | undefined;
      if (base?.run_id !== c.runId) return { saved: false, reason: 'need_full' };
    }
    const id = `cp-${crypto.randomUUID().slice(-10)}`;
    const deflate = c.payload.length >= DEFLATE_FROM_BYTES;
    const payload = deflate ? zlib.deflateRawSync(c.payload) : Buffer.from(c.payload);
    this.insertStmt.run(c.runId, known.nextSeq, id, c.name, c.hash, c.size, c.base, deflate ? 1 : 0, payload, c.spentNano, c.attempt, c.createdAt);
    return { saved: true, id, seq: known.nextSeq, deduplicated: false };
  }

  /** The next sequence number of a run's checkpoints. */
  nextSeq(runId: string): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM checkpoints WHERE run_id = ?').get(runId) as { seq: number }).seq;
  }

  /** The run's head: its last checkpoint not superseded (a rollback supersedes what came after). */
  head(runId: string): CheckpointRecord | undefined {
    const row = this.headStmt.get(runId) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  get(id: string): CheckpointRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE id = ?`).get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  list(runId: string): CheckpointRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY seq`).all(runId) as Row[]).map(toRecord);
  }

  /** The whole state of a checkpoint as JSON text, rebuilt from its last full snapshot and the deltas after it. */
  state(id: string): string {
    const chain: string[] = [];
    for (let at: string | null = id; at !== null;) {
      const row = this.payloadStmt.get(at) as PayloadRow | undefined;
      if (!row) throw new Error(`checkpoint ${at} is missing from the store`);
      chain.push((row.deflated ? zlib.inflateRawSync(row.payload) : row.payload).toString('utf8'));
      at = row.base_id;
    }
    const [full, ...deltas] = chain.reverse();
    if (deltas.length === 0) return full ?? 'null';
    const state = JSON.parse(full ?? '{}') as Record<string, unknown>;
    for (const text of deltas) {
      const delta = JSON.parse(text) as Delta;
      for (const [key, value] of Object.entries(delta.set ?? {})) {
        Object.defineProperty(state, key, { value, enumerable: true, writable: true, configurable: true });
      }
      for (const key of delta.del ?? []) delete state[key];
    }
    return JSON.stringify(state);
  }

  /**
   * Makes `checkpoint` the run's head: later checkpoints, calls and journal entries are kept for
   * history but marked superseded. Returns how many checkpoints were superseded.
   */
  rollback(checkpoint: CheckpointRecord): number {
    return this.db.transaction(() => {
      const { changes } = this.db.prepare('UPDATE checkpoints SET superseded = 1 WHERE run_id = ? AND seq > ? AND superseded = 0').run(checkpoint.runId, checkpoint.seq);
      this.db.prepare('UPDATE llm_calls SET superseded = 1 WHERE run_id = ? AND after_checkpoint_seq >= ?').run(checkpoint.runId, checkpoint.seq);
      this.db.prepare('UPDATE journal SET superseded = 1 WHERE run_id = ? AND after_checkpoint_seq >= ?').run(checkpoint.runId, checkpoint.seq);
      return changes;
    })();
  }
}
