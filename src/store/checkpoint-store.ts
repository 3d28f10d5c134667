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

/** The head as the supervisor tracks it in memory while a run is live. */
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
interface PayloadRow { id: string; base_id: string | null; payload: Buffer }
interface Delta { set?: Record<string, unknown>; del?: string[] }

function toRecord(row: Row): CheckpointRecord {
  return {
    id: row.id, runId: row.run_id, seq: row.seq, name: row.name, stateHash: row.state_hash, sizeBytes: row.size_bytes,
    spentNano: row.spent_nano, attempt: row.attempt, superseded: row.superseded === 1, createdAt: row.created_at,
  };
}

const COLUMNS = 'id, run_id, seq, name, state_hash, size_bytes, spent_nano, attempt, superseded, created_at';

/**
 * Checkpoints: a whole state, or only the top-level keys that changed since its base, deflated.
 * Each save is one transaction; the run's head moves with it.
 */
export class CheckpointStore {
  private readonly insertStmt: Database.Statement;
  private readonly headStmt: Database.Statement;
  private readonly setHeadStmt: Database.Statement;
  private readonly nextSeqStmt: Database.Statement;
  private readonly payloadStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO checkpoints (id, run_id, seq, name, state_hash, size_bytes, base_id, payload, spent_nano, attempt, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.headStmt = db.prepare(`SELECT c.${COLUMNS.split(', ').join(', c.')} FROM runs r JOIN checkpoints c ON c.id = r.head_checkpoint WHERE r.id = ?`);
    this.setHeadStmt = db.prepare('UPDATE runs SET head_checkpoint = ? WHERE id = ?');
    this.nextSeqStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM checkpoints WHERE run_id = ?');
    this.payloadStmt = db.prepare('SELECT id, base_id, payload FROM checkpoints WHERE id = ?');
  }

  /**
   * Stores a checkpoint and makes it the head, in one transaction. `known` is what the caller
   * already knows of the head (to skip the look-ups on the hot path); pass null to look them up.
   */
  save(c: NewCheckpoint, known: KnownHead | null = null): SaveResult {
    return this.db.transaction((): SaveResult => {
      const head = known ? known.head : this.head(c.runId) ?? null;
      // The same state under the same name as the head is not stored twice.
      if (head && head.stateHash === c.hash && head.name === c.name) return { saved: true, id: head.id, seq: head.seq, deduplicated: true };
      if (c.base !== null && c.base !== head?.id) {
        const base = this.db.prepare('SELECT run_id FROM checkpoints WHERE id = ?').get(c.base) as { run_id: string } | undefined;
        if (base?.run_id !== c.runId) return { saved: false, reason: 'need_full' };
      }
      const seq = known ? known.nextSeq : (this.nextSeqStmt.get(c.runId) as { seq: number }).seq;
      const id = `cp-${crypto.randomBytes(5).toString('hex')}`;
      this.insertStmt.run(id, c.runId, seq, c.name, c.hash, c.size, c.base, zlib.deflateRawSync(c.payload), c.spentNano, c.attempt, c.createdAt);
      this.setHeadStmt.run(id, c.runId);
      return { saved: true, id, seq, deduplicated: false };
    })();
  }

  /** The next sequence number of a run's checkpoints. */
  nextSeq(runId: string): number {
    return (this.nextSeqStmt.get(runId) as { seq: number }).seq;
  }

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
    const chain: PayloadRow[] = [];
    for (let at: string | null = id; at !== null;) {
      const row = this.payloadStmt.get(at) as PayloadRow | undefined;
      if (!row) throw new Error(`checkpoint ${at} is missing from the store`);
      chain.push(row);
      at = row.base_id;
    }
    const [full, ...deltas] = chain.reverse().map((row) => zlib.inflateRawSync(row.payload).toString('utf8'));
    if (deltas.length === 0) return full ?? 'null';
    const state = JSON.parse(full ?? '{}') as Record<string, unknown>;
    for (const text of deltas) {
      const delta = JSON.parse(text) as Delta;
      for (const [key, value] of Object.entries(delta.set ?? {})) state[key] = value;
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
      this.db.prepare('UPDATE checkpoints SET superseded = 0 WHERE id = ?').run(checkpoint.id);
      this.db.prepare('UPDATE llm_calls SET superseded = 1 WHERE run_id = ? AND after_checkpoint_seq >= ?').run(checkpoint.runId, checkpoint.seq);
      this.db.prepare('UPDATE journal SET superseded = 1 WHERE run_id = ? AND after_checkpoint_seq >= ?').run(checkpoint.runId, checkpoint.seq);
      this.setHeadStmt.run(checkpoint.id, checkpoint.runId);
      return changes;
    })();
  }
}
