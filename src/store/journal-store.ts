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

interface Row { call_seq: number; request_key: string; http_status: number; content_type: string; body: Buffer }

/** Responses of completed calls, so a resumed run can get them again without paying twice. */
export class JournalStore {
  private readonly insertStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO journal (run_id, call_seq, request_key, after_checkpoint_seq, attempt, http_status, content_type, body, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  add(runId: string, e: JournalEntry, afterCheckpointSeq: number, attempt: number, createdAt: number): void {
    this.insertStmt.run(runId, e.callSeq, e.requestKey, afterCheckpointSeq, attempt, e.httpStatus, e.contentType,
      zlib.deflateRawSync(Buffer.from(e.body, 'base64')), createdAt);
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
      body: zlib.inflateRawSync(r.body).toString('base64'),
    }));
  }
}
