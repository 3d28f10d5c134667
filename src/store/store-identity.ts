import fs from 'node:fs';
import { StoreError } from '../errors.js';
import { WFLO_APPLICATION_ID } from './migrations.js';
import { BUSY_TIMEOUT_MS, storeFailureReason } from './store-failure.js';
import { sqlite } from './sqlite.js';


/** Stores written before the application id existed: their schema version and the tables it must have. */
const LEGACY_TABLES: ReadonlyMap<number, readonly string[]> = new Map([
  [1, ['runs', 'llm_calls']],
  [2, ['runs', 'llm_calls', 'checkpoints', 'journal']],
  [3, ['runs', 'llm_calls', 'checkpoints', 'journal', 'response_context']],
]);

const MAGIC = 'SQLite format 3\0';

type Verdict = { kind: 'wflo' } | { kind: 'empty' } | { kind: 'foreign'; why: string };

/** The 100-byte SQLite header, or null for a file too short or without the SQLite magic. */
function readHeader(file: string): Buffer | null {
  const header = Buffer.alloc(100);
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.readSync(fd, header, 0, 100, 0) < 100) return null;
  } finally {
    fs.closeSync(fd);
  }
  return header.toString('latin1', 0, 16) === MAGIC ? header : null;
}

function judge(appId: number, version: number, tables: readonly string[] | null): Verdict {
  if (appId === WFLO_APPLICATION_ID) return { kind: 'wflo' };
  if (appId !== 0) return { kind: 'foreign', why: `its application_id is ${appId}, not wflo's` };
  if (version === 0 && tables?.length === 0) return { kind: 'empty' };
  if (tables === null || tables.length === 0) return { kind: 'foreign', why: 'it has no wflo tables' };
  const wanted = LEGACY_TABLES.get(version);
  return wanted?.every((t) => tables.includes(t)) ? { kind: 'wflo' } : { kind: 'foreign', why: 'its schema is not wflo\'s' };
}

/** What SQLite itself says, through a read-only connection (used when the header alone cannot tell). */
function lookInside(file: string): Verdict {
  const db = new (sqlite())(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    const appId = Number(db.pragma('application_id', { simple: true }));
    const version = Number(db.pragma('user_version', { simple: true }));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    return judge(appId, version, tables);
  } finally {
    db.close();
  }
}

/**
 * Tells a wflo store from any other file without writing to it. With no WAL beside it the file
 * is complete, so its header (application id, schema version, page count) decides without
 * opening it: a foreign WAL-mode database gets no -wal or -shm file from wflo. Only an old
 * store (schema 1–3, before the application id) or a database with a WAL is opened, read-only.
 */
function identify(file: string): Verdict {
  const header = readHeader(file);
  // Not SQLite at all: a store whose first page was destroyed looks the same, so say what SQLite would.
  if (!header) throw new Error('file is not a database');
  const wal = `${file}-wal`;
  if (fs.existsSync(wal) && fs.statSync(wal).size > 0) return lookInside(file);
  const appId = header.readInt32BE(68);
  const version = header.readUInt32BE(60);
  if (appId !== 0) return judge(appId, version, null);
  if (LEGACY_TABLES.has(version)) return lookInside(file);
  if (version > 0) return { kind: 'foreign', why: 'its schema is not wflo\'s' };
  // Schema version 0: only a database with no tables at all (one page, no rows in sqlite_master) can become a store.
  const pages = header.readUInt32BE(28);
  const size = fs.statSync(file).size;
  if (pages === 1 && size >= 108) {
    const page = Buffer.alloc(8);
    const fd = fs.openSync(file, 'r');
    try { fs.readSync(fd, page, 0, 8, 100); } finally { fs.closeSync(fd); }
    if (page.readUInt16BE(3) === 0) return { kind: 'empty' };
  }
  return { kind: 'foreign', why: 'it has no wflo tables' };
}

/**
 * Refuses a file that is not a wflo store before anything is written to it. An empty file or
 * an empty database is accepted only when `create` (`wflo run`) may start a store in it. The
 * look never writes, so a foreign file stays byte-identical.
 */
export function requireWfloStore(file: string, options: { create: boolean }): void {
  if (fs.statSync(file).size === 0) {
    if (options.create) return;
    throw new StoreError(file, `${file} is empty, not a wflo database (run \`wflo run\` first, or pass --db)`);
  }
  let verdict: Verdict;
  try {
    verdict = identify(file);
  } catch (err) {
    throw new StoreError(file, `cannot open wflo database ${file}: ${storeFailureReason(err)}`, { cause: err });
  }
  if (verdict.kind === 'wflo' || (verdict.kind === 'empty' && options.create)) return;
  const why = verdict.kind === 'foreign' ? verdict.why : 'it is an empty database';
  throw new StoreError(file, `${file} is not a wflo database (${why}); wflo leaves it untouched`);
}
