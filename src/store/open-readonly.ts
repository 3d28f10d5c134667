import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { openDatabase } from './open-database.js';
import { sqlite } from './sqlite.js';
import { BUSY_TIMEOUT_MS, storeFailureReason } from './store-failure.js';

/**
 * Opens an existing store for reading only, for a long-lived reader (`wflo ui`) beside the runs
 * that write it. It is first checked, and its schema brought up to date, the way every command
 * does (openDatabase); then that connection is closed and a read-only one is kept, so nothing
 * the reader does can write. In WAL mode a reader never blocks a writer, nor a writer it.
 */
export function openReadOnlyStore(file: string): Database.Database {
  openDatabase(file, { create: false }).close();
  try {
    const db = new (sqlite())(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    db.pragma('query_only = ON');
    return db;
  } catch (err) {
    throw new StoreError(file, `cannot open wflo database ${file}: ${storeFailureReason(err)}`, { cause: err });
  }
}
