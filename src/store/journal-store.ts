import zlib from 'node:zlib';
import type Database from 'better-sqlite3';

export interface JournalEntry {
  callSeq: number;
  requestKey: string;
  httpStatus: number;
  contentType: string;
  /** Base64 of the response bytes, as the hook sends and receives them. */
  body: string;
}

interface Row { call_seq: number; request_key: string; http_status: number; content_type: string; deflated: number; body: Buffer }

/** Small responses are stored as they are: deflating them costs more time than it saves space. */
const DEFLATE_FROM_BYTES = 2048;

/** Responses of completed calls, so a resumed run can get them again without paying twice. */
export class JournalStore {
  private readonly insertStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO journal (run_id, call_seq, request_key, after_checkpoint_seq, attempt, http_status, content_type, deflated, body, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  add(runId: string, e: JournalEntry, afterCheckpointSeq: number, attempt: number, createdAt: number): void {
    const body = Buffer.from(e.body, 'base64');
    const deflate = body.length >= DEFLATE_FROM_BYTES;
    this.insertStmt.run(runId, e.callSeq, e.requestKey, afterCheckpointSeq, attempt, e.httpStatus, e.contentType,
      deflate ? 1 : 0, deflate ? zlib.deflateRawSync(body) : body, createdAt);
  }

  /**
   * What a resumed attempt may replay, oldest first: calls made after the head checkpoint in
   * earlier attempts. With `includeSuperseded` (resume --replay after a rollback), also the
   * calls of the abandoned timeline after it.
   */
  replayable(runId: string, headSeq: number, includeSuperseded: boolean): JournalEntry[] {
    const rows = (includeSuperseded
      ? this.db.prepare('SELECT * FROM journal WHERE run_id = ? AND after_checkpoint_seq >= ? ORDER BY id').all(runId, headSeq)
      : this.db.prepare('SELECT * FROM journal WHERE run_id = ? AND after_checkpoint_seq = ? AND superseded = 0 ORDER BY id').all(runId, headSeq)) as Row[];
    return rows.map((r) => ({
      callSeq: r.call_seq, requestKey: r.request_key, httpStatus: r.http_status, contentType: r.content_type,
      body: (r.deflated ? zlib.inflateRawSync(r.body) : r.body).toString('base64'),
    }));
  }
}
