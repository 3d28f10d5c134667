import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { sqlite } from './sqlite.js';

/** Checkpoint state and journaled responses are private: the store is the user's alone. */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates the store's directory private (0700). An existing `.wflo/` (the default location,
 * wflo's own) is tightened too; a directory the user named with --db is left as it is.
 */
export function prepareStoreDir(file: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  if (path.basename(dir) === '.wflo' && (fs.statSync(dir).mode & 0o777) !== PRIVATE_DIR) fs.chmodSync(dir, PRIVATE_DIR);
}

/** The database and its WAL, shared-memory and journal files, 0600 (SQLite gives the side files the database's mode). */
export function makeStoreFilesPrivate(file: string): void {
  for (const suffix of SIDE_FILES) {
    try { fs.chmodSync(`${file}${suffix}`, PRIVATE_FILE); } catch { /* absent, or not ours to change */ }
  }
}

/**
 * Refuses a file that is not a wflo store before anything is written to it: wflo's tables and
 * a schema version, or (for `wflo run` only) an empty file or database to start one in. The
 * look is read-only, so a foreign file stays byte-identical.
 */
export function requireWfloStore(file: string, options: { create: boolean }): void {
  if (fs.statSync(file).size === 0) {
    if (options.create) return;
    throw new StoreError(file, `${file} is empty, not a wflo database (run \`wflo run\` first, or pass --db)`);
  }
  let verdict: 'wflo' | 'empty' | 'foreign';
  try {
    const db = new (sqlite())(file, { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      const version = Number(db.pragma('user_version', { simple: true }));
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
      verdict = version > 0 && tables.some((t) => t.name === 'runs') ? 'wflo' : tables.length === 0 && version === 0 ? 'empty' : 'foreign';
    } finally {
      db.close();
    }
  } catch (err) {
    throw new StoreError(file, `cannot open wflo database ${file}: ${describe(err)}`, { cause: err });
  }
  if (verdict === 'wflo' || (verdict === 'empty' && options.create)) return;
  throw new StoreError(file, `${file} is not a wflo database (it has no wflo tables); wflo leaves it untouched`);
}
