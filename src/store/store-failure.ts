import { StoreError } from '../errors.js';

/** Another wflo writing the same store (a concurrent run) is waited for this long before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/** SQLite result codes that say the file is the problem (damaged, locked, unreadable, full, read-only), not wflo. */
const FILE_CODES = /^SQLITE_(?:CORRUPT|NOTADB|BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|PERM|PROTOCOL)/;

function sqliteCode(err: unknown): string | null {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** The reason in one line, saying how long a lock was waited for. */
export function storeFailureReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = sqliteCode(err) ?? '';
  return /^SQLITE_(?:BUSY|LOCKED)/.test(code) ? `${message} (another process held it for more than ${BUSY_TIMEOUT_MS / 1000} s)` : message;
}

/**
 * A SQLite failure caused by the file itself, as a one-line StoreError (exit 2) naming it;
 * anything else (a wflo bug, a typed error) is returned unchanged.
 */
export function asStoreError(file: string, err: unknown): unknown {
  if (err instanceof StoreError || !FILE_CODES.test(sqliteCode(err) ?? '')) return err;
  return new StoreError(file, `cannot use wflo database ${file}: ${storeFailureReason(err)}`, { cause: err });
}
