import type Database from 'better-sqlite3';
import { isProcessAlive } from './process-alive.js';
import type { RunStatus } from './types.js';

/** Which runs to list: all filters optional, combined with AND. */
export interface RunFilter {
  /** The status as shown (a run whose wflo died shows interrupted). */
  status: RunStatus | null;
  /** Part of the script's path. */
  script: string | null;
  /** Part of the run id. */
  id: string | null;
}

/** A LIKE pattern that matches `text` anywhere, literally (its % and _ escaped). */
function containing(text: string | null): string | null {
  return text === null ? null : `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The ids of the runs that match, newest first. Only ids are read, so a filter over thousands
 * of runs is cheap; the caller reads the page it shows. Running and interrupted runs are both
 * stored as running: whether their wflo is alive decides.
 */
export function searchRunIds(db: Database.Database, f: RunFilter): string[] {
  const stored = f.status === 'interrupted' ? ['running', 'interrupted'] : f.status === null ? null : [f.status];
  const rows = db.prepare(`SELECT id, status, supervisor_pid AS pid FROM runs
      WHERE (? IS NULL OR status IN (?, ?)) AND (? IS NULL OR script LIKE ? ESCAPE '\\') AND (? IS NULL OR id LIKE ? ESCAPE '\\')
      ORDER BY started_at DESC, rowid DESC`)
    .all(stored?.[0] ?? null, stored?.[0] ?? null, stored?.[1] ?? stored?.[0] ?? null,
      f.script, containing(f.script), f.id, containing(f.id)) as Array<{ id: string; status: string; pid: number }>;
  if (f.status !== 'running' && f.status !== 'interrupted') return rows.map((r) => r.id);
  const alive = f.status === 'running';
  return rows.filter((r) => r.status !== 'running' || isProcessAlive(r.pid) === alive).map((r) => r.id);
}
