import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import { sqlite } from './sqlite.js';
import { BUSY_TIMEOUT_MS, storeFailureReason } from './store-failure.js';
import { makeStoreFilesPrivate, prepareStoreDir } from './store-files.js';
import { requireWfloStore } from './store-identity.js';

/** The schema version, refusing one from a newer wflo before anything (even the journal mode) is written. */
function schemaVersion(db: Database.Database): number {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > MIGRATIONS.length) {
    throw new Error(`it was written by a newer wflo (schema ${version}, this wflo knows ${MIGRATIONS.length})`);
  }
  return version;
}

function migrate(db: Database.Database, version: number): void {
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next] ?? '');
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}

/**
 * Opens (creating if asked) the SQLite store in WAL mode and brings its schema up to date.
 * Any failure becomes one StoreError naming the file: nothing is run against a bad store.
 */
export function openDatabase(file: string, options: { create: boolean }): Database.Database {
  const exists = fs.existsSync(file);
  if (!options.create && !exists) {
    throw new StoreError(file, `no wflo database at ${file} (run \`wflo run\` first, or pass --db)`);
  }
  if (exists) requireWfloStore(file, options);
  let db: Database.Database | undefined;
  // Files SQLite creates from here on (the database, its WAL and shared memory) are the user's alone.
  const umask = process.umask(0o077);
  try {
    if (options.create) prepareStoreDir(file);
    // The busy timeout is set at open: an ordinary concurrent writer (another run) is waited for, not failed on.
    db = new (sqlite())(file, { fileMustExist: !options.create, timeout: BUSY_TIMEOUT_MS });
    const version = schemaVersion(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, version);
    makeStoreFilesPrivate(file);
    return db;
  } catch (err) {
    db?.close();
    throw new StoreError(file, `cannot open wflo database ${file}: ${storeFailureReason(err)}`, { cause: err });
  } finally {
    process.umask(umask);
  }
}
