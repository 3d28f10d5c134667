import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { PriceBook, type PriceOverrides } from '../pricing/price-book.js';
import { costOf } from '../pricing/rates.js';
import { callLogPath, parseHookMessage, type Provider, type SettleMessage, type StartMessage } from '../protocol/messages.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { JournalStore } from '../store/journal-store.js';
import { isProcessAlive } from '../store/process-alive.js';
import { RunStore } from '../store/run-store.js';
import { shownStatus } from '../store/run-status.js';
import type { CallSettlement } from '../store/types.js';
import { contextEntries } from './response-context.js';
import { callLogDirs } from './socket-dir.js';

/** A call log part: `wflo-<wflo pid>-<run id>.sock.<nonce>.<part>.log`. */
const LOG_FILE = /^wflo-(\d+)-([\w-]+)\.sock\.([a-z0-9]{8,32})\.(\d+)\.log$/;

/** One hook's call log, left unread by a wflo that died: its parts from the first not yet removed. */
interface UnreadLog { base: string; nonce: string; firstPart: number; files: string[] }

/** The call logs of dead wflo processes, by run id. */
function unreadLogs(dirs: readonly string[]): Map<string, UnreadLog[]> {
  const byRun = new Map<string, UnreadLog[]>();
  const logs = new Map<string, UnreadLog>();
  const dead = new Map<number, boolean>();
  for (const dir of dirs) {
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const name of names) {
      const match = LOG_FILE.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (!dead.has(pid)) dead.set(pid, pid !== process.pid && !isProcessAlive(pid));
      if (!dead.get(pid)) continue;
      const base = path.join(dir, `wflo-${match[1]}-${match[2]}.sock`);
      const key = `${base}.${match[3]}`;
      let log = logs.get(key);
      if (!log) {
        log = { base, nonce: match[3]!, firstPart: Infinity, files: [] };
        logs.set(key, log);
        const ofRun = byRun.get(match[2]!) ?? [];
        ofRun.push(log);
        byRun.set(match[2]!, ofRun);
      }
      log.firstPart = Math.min(log.firstPart, Number(match[4]));
      log.files.push(path.join(dir, name));
    }
  }
  return byRun;
}

/** A log's messages that matter here, in order, with the pid of the process that wrote them; a last line cut short is dropped. */
function readLog(log: UnreadLog): { pid: number; messages: Array<StartMessage | SettleMessage> } {
  let pid = 0;
  const messages: Array<StartMessage | SettleMessage> = [];
  for (let part = log.firstPart; ; part++) {
    let text: string;
    try { text = fs.readFileSync(callLogPath(log.base, log.nonce, part), 'utf8'); } catch { break; }
    const lines = text.split('\n');
    lines.pop(); // '' after the last newline, or a line the hook never finished
    let next = false;
    for (const line of lines) {
      const message = parseHookMessage(line);
      if (message?.type === 'part') pid = message.pid;
      else if (message?.type === 'start' || message?.type === 'settle') messages.push(message);
      else if (message?.type === 'next') next = true;
    }
    if (!next) break;
  }
  return { pid, messages };
}

/** What a settle makes of an in-flight call: exact when it has usage, nothing when refused, else its reservation. */
function settlement(m: SettleMessage, reserved: number, cost: (usage: NonNullable<SettleMessage['usage']>) => number, endedAt: number): CallSettlement {
  const ok = m.outcome === 'ok' && m.usage !== null;
  const status = ok ? 'ok' : m.outcome === 'error' ? 'error' : 'estimated';
  return {
    status, estimated: status === 'estimated', usage: ok ? m.usage : null, costNano: ok ? cost(m.usage!) : status === 'error' ? 0 : reserved,
    httpStatus: m.httpStatus, latencyMs: m.latencyMs, responseModel: m.model, error: m.error, endedAt,
  };
}

interface Filed { seq: number; requestKey: string | null }

/**
 * Files one run's unread logs, in one transaction: each call started from a lease that is not in
 * the store yet (its hook's call number says which are), and each settle of a call still in
 * flight, costed exactly; a response the run journals goes in its journal.
 */
function fileRun(db: Database.Database, store: RunStore, runId: string, logs: readonly UnreadLog[], prices: PriceBook, now: number): number {
  const journal = new JournalStore(db);
  const run = store.getRun(runId);
  // Checked again inside the transaction: a resume may have taken the run on since it was listed.
  if (!run || shownStatus(run) !== 'interrupted') return 0;
  const afterCheckpointSeq = new CheckpointStore(db).head(runId)?.seq ?? 0;
  const filed = new Map<string, Filed>();
  for (const row of db.prepare('SELECT seq, hook_call AS hookCall FROM llm_calls WHERE run_id = ? AND hook_call IS NOT NULL').all(runId) as Array<{ seq: number; hookCall: string }>) {
    filed.set(row.hookCall, { seq: row.seq, requestKey: null });
  }
  const inFlight = db.prepare(`SELECT provider, model, reserved_nano AS reserved FROM llm_calls WHERE run_id = ? AND seq = ? AND status = 'in_flight'`);
  let nextSeq = store.nextCallSeq(runId);
  let count = 0;
  for (const log of logs) {
    const { pid, messages } = readLog(log);
    for (const m of messages) {
      if (m.type === 'start') {
        const hookCall = `${log.nonce}:${m.lid}`;
        const known = filed.get(hookCall);
        if (known) { known.requestKey = m.requestKey; continue; }
        const seq = nextSeq++;
        const retryOf = m.retryOf === null ? null : m.retryOf > 0 ? m.retryOf : filed.get(`${log.nonce}:${-m.retryOf}`)?.seq ?? null;
        store.insertCall({
          runId, seq, pid, provider: m.provider, model: m.model, endpoint: m.endpoint, stream: m.stream, status: 'in_flight',
          priced: prices.rates(m.provider, m.model) !== undefined, reservedNano: m.held, startedAt: now, error: null, attempt: run.attempts,
          afterCheckpointSeq, outputCap: null, waitedMs: null, agent: m.agent, retryOf, tryNumber: m.tryNumber, hookCall,
        });
        filed.set(hookCall, { seq, requestKey: m.requestKey });
        count++;
        continue;
      }
      const call = m.callId > 0 ? { seq: m.callId, requestKey: null } : filed.get(`${log.nonce}:${-m.callId}`);
      const row = call && inFlight.get(runId, call.seq) as { provider: Provider; model: string; reserved: number } | undefined;
      if (!call || !row) continue;
      const rates = prices.rates(row.provider, row.model);
      const s = settlement(m, row.reserved, (usage) => (rates ? costOf(rates, usage) : 0), now);
      store.settleCall(runId, call.seq, s);
      // A Responses API id a resumed run may continue from is known, as if wflo had read the settle itself.
      if (s.status === 'ok') for (const [ref, tokens] of contextEntries(m.context, m.usage!)) store.rememberContext(runId, ref, tokens);
      if (s.status === 'ok' && run.journal && m.journal && call.requestKey !== null) {
        journal.add(runId, { callSeq: call.seq, requestKey: call.requestKey, httpStatus: m.httpStatus, contentType: m.journal.contentType, body: m.journal.body },
          afterCheckpointSeq, run.attempts, now);
      }
      count++;
    }
  }
  return count;
}

/**
 * Files the call logs a killed wflo left unread, for the runs of this store it was running: the
 * calls its processes started and settled after wflo's last read are put on record (exact where
 * the log has their usage, else at their reservation), then the logs are removed. Runs of other
 * stores are left to theirs. Returns the ids of the runs whose record changed.
 */
export function fileUnreadCallLogs(db: Database.Database, overrides: PriceOverrides, now: number, dirs: readonly string[] = callLogDirs()): string[] {
  const unread = unreadLogs(dirs);
  if (unread.size === 0) return [];
  // Runs of this store only (a run of another store is left to that store's next wflo): one query first,
  // so logs of other stores cost `wflo status` no more than this.
  const ours = db.prepare('SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify([...unread.keys()])) as string[];
  if (ours.length === 0) return [];
  const store = new RunStore(db);
  // Of those, the runs whose wflo died.
  const runs = ours.filter((runId) => {
    const run = store.getRun(runId);
    return run !== undefined && shownStatus(run) === 'interrupted';
  });
  if (runs.length === 0) return [];
  // The catalogues are loaded only when there is something to cost.
  const prices = new PriceBook(overrides);
  const changed: string[] = [];
  for (const runId of runs) {
    const logs = unread.get(runId)!;
    const count = db.transaction(() => fileRun(db, store, runId, logs, prices, now)).immediate();
    for (const log of logs) for (const file of log.files) fs.rmSync(file, { force: true });
    if (count > 0) changed.push(runId);
  }
  return changed;
}
