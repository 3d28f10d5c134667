import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, WFLO_APPLICATION_ID } from '../src/store/migrations.js';
import { sqlite } from '../src/store/sqlite.js';
import { FIXTURES, readDb, tempDir, wflo } from './helpers/wflo.js';

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const COMMANDS = [['status'], ['status', 'run-x'], ['checkpoints', 'run-x'], ['checkpoints', 'show', 'cp-x'], ['rollback', 'cp-x'], ['resume', 'run-x'],
  ['run', path.join(FIXTURES, 'plain.mjs')]];

/** A SQLite file made by someone else, in the given journal mode, closed. */
function foreign(file: string, setup: string, wal: boolean): void {
  const db = new (sqlite())(file);
  if (wal) db.pragma('journal_mode = WAL');
  db.exec(setup);
  db.close();
}

describe('only wflo stores are opened', () => {
  // null: not SQLite at all, which is what a store with a destroyed first page looks like too.
  const cases: Array<[string, (file: string) => void, string | null]> = [
    ['a WAL-mode database', (f) => foreign(f, 'CREATE TABLE users (id INTEGER PRIMARY KEY); INSERT INTO users VALUES (1)', true), 'it has no wflo tables'],
    ['a database with a runs table and schema version 7', (f) => foreign(f, 'CREATE TABLE runs (id TEXT); PRAGMA user_version = 7', false), 'its schema is not wflo\'s'],
    ['a database with a runs table and schema version 2', (f) => foreign(f, 'CREATE TABLE runs (id TEXT); PRAGMA user_version = 2', false), 'its schema is not wflo\'s'],
    ['another application\'s database', (f) => foreign(f, 'CREATE TABLE runs (id TEXT); PRAGMA application_id = 42; PRAGMA user_version = 4', true), 'its application_id is 42, not wflo\'s'],
    ['a text file', (f) => fs.writeFileSync(f, 'not a database at all, just some text that is long enough\n'.repeat(4)), null],
  ];
  for (const [name, make, why] of cases) {
    it(`${name}: every command refuses it in one line, exit 2; the file is byte-identical and gets no side files`, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'other.db');
      make(file);
      const before = sha(file);
      for (const args of COMMANDS) {
        const result = await wflo([...args, '--db', file]);
        const line = why === null ? `cannot open wflo database ${file}: file is not a database` : `${file} is not a wflo database (${why}); wflo leaves it untouched`;
        expect([result.exitCode, result.stderr]).toEqual([2, `wflo: ${line}`]);
      }
      expect(sha(file)).toBe(before);
      expect(fs.readdirSync(dir)).toEqual(['other.db']);
    });
  }

  it('a store written before the application id (schema 3) is recognised, and marked at its next run', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'old.db');
    const old = new (sqlite())(file);
    old.pragma('journal_mode = WAL');
    MIGRATIONS.slice(0, 3).forEach((sql, i) => { old.exec(sql); old.pragma(`user_version = ${i + 1}`); });
    old.prepare(`INSERT INTO runs (id, script, args, cwd, status, on_budget, supervisor_pid, started_at, ended_at)
      VALUES ('run-old', '/x.mjs', '[]', '/', 'completed', 'stop', 1, 1, 2)`).run();
    old.close();
    const status = await wflo(['status', 'run-old', '--db', file, '--json']);
    expect([status.exitCode, (JSON.parse(status.stdout) as { status: string }).status]).toEqual([0, 'completed']);
    expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', file])).exitCode).toBe(0);
    const check = new (sqlite())(file, { readonly: true });
    try {
      expect([check.pragma('application_id', { simple: true }), check.pragma('user_version', { simple: true })]).toEqual([WFLO_APPLICATION_ID, MIGRATIONS.length]);
    } finally {
      check.close();
    }
    expect(readDb(file).runs.map((r) => r.id)).toContain('run-old');
  });
});

describe('damaged and locked stores', () => {
  it('a corrupt store: one line and exit 2 from every command, no stack trace', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db])).exitCode).toBe(0);
    const runId = readDb(db).runs[0]!.id;
    const bytes = fs.readFileSync(db);
    // Page 1 (header and schema) stays; every page after it is garbage.
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    fs.writeFileSync(db, bytes);
    for (const args of [['status'], ['status', runId], ['checkpoints', runId], ['rollback', 'cp-x'], ['resume', runId]]) {
      const result = await wflo([...args, '--db', db]);
      // The schema spans more than page 1 since migration 5: the damage is met opening the file, or reading it.
      expect([args[0], result.exitCode, result.stderr.replace('cannot open', 'cannot use')]).toEqual([args[0], 2, `wflo: cannot use wflo database ${db}: database disk image is malformed`]);
    }
    const run = await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db]);
    expect([run.exitCode, run.stderr.replace(`cannot open wflo database ${db}`, `cannot start a run in ${db}`)]).toEqual([2, `wflo: cannot start a run in ${db}: database disk image is malformed`]);
  });

  it('a rollback while another process holds the store exclusively: one line, exit 2, after the 5 s busy timeout', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    expect((await wflo(['run', path.join(FIXTURES, 'secrets.mjs'), '--db', db], { env: { TEST_KEY: 'k' } })).exitCode).toBe(0);
    const runId = readDb(db).runs[0]!.id;
    const list = JSON.parse((await wflo(['checkpoints', runId, '--db', db, '--json'])).stdout) as Array<{ id: string }>;
    const holder = new (sqlite())(db);
    try {
      holder.exec('BEGIN EXCLUSIVE; UPDATE runs SET error = error;');
      const started = Date.now();
      const result = await wflo(['rollback', list[0]!.id, '--db', db]);
      expect([result.exitCode, result.stderr]).toEqual([2, `wflo: cannot use wflo database ${db}: database is locked (another process held it for more than 5 s)`]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('a run the store cannot take never runs its script: started while the store opens, it is ended before its first line', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const marker = path.join(dir, 'ran');
    const script = path.join(dir, 'marks.mjs');
    fs.writeFileSync(script, `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    expect((await wflo(['run', script, '--db', db])).exitCode).toBe(0);
    fs.rmSync(marker);
    const runs = readDb(db).runs.length;
    const holder = new (sqlite())(db);
    try {
      // Held for the whole 5 s busy timeout: the script (started at once) waits all that time, then is ended.
      holder.exec('BEGIN EXCLUSIVE; UPDATE runs SET error = error;');
      const result = await wflo(['run', script, '--db', db]);
      expect([result.exitCode, result.stderr]).toEqual([2, `wflo: cannot start a run in ${db}: database is locked (another process held it for more than 5 s)`]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(fs.existsSync(marker)).toBe(false);
    expect(readDb(db).runs.length).toBe(runs);
  });
});
