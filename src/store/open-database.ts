import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import { sqlite } from './sqlite.js';

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function migrate(db: Database.Database): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > MIGRATIONS.length) {
    throw new Error(`it was written by a newer wflo (schema ${version}, this wflo knows ${MIGRATIONS.length})`);
  }
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
  if (!options.create && !fs.existsSync(file)) {
    throw new StoreError(file, `no wflo database at ${file} (run \`wflo run\` first, or pass --db)`);
  }
  let db: Database.Database | undefined;
  try {
    if (options.create) fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new (sqlite())(file, { fileMustExist: !options.create });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    throw new StoreError(file, `cannot open wflo database ${file}: ${describe(err)}`, { cause: err });
  }
}
