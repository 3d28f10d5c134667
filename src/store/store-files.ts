import fs from 'node:fs';
import path from 'node:path';

/** Checkpoint state and journaled responses are private: the store is the user's alone. */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

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
