import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { sqlite } from '../src/store/sqlite.js';
import { BIN, FIXTURES, readDb, ROOT, tempDir, wflo } from './helpers/wflo.js';

const mode = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const uid = String(process.getuid?.() ?? 'user');

describe('the store is the user\'s alone', () => {
  it('.wflo/ is 0700 (an existing 0755 one is tightened) and the database, its WAL and shared memory 0600', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, '.wflo'), { mode: 0o755 });
    fs.chmodSync(path.join(dir, '.wflo'), 0o755);
    const first = await wflo(['run', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expect(first.exitCode).toBe(0);
    const db = path.join(dir, '.wflo', 'wflo.db');
    expect([mode(path.join(dir, '.wflo')), mode(db)]).toEqual(['700', '600']);
    // A reader kept open keeps the WAL and shared memory after the next run writes them.
    const reader = new (sqlite())(db);
    reader.prepare('SELECT COUNT(*) FROM runs').get();
    try {
      expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs')], { cwd: dir })).exitCode).toBe(0);
      expect([mode(`${db}-wal`), mode(`${db}-shm`)]).toEqual(['600', '600']);
    } finally {
      reader.close();
    }
  });

  it('a --db in a directory of the user\'s: the directory keeps its mode, an older 0644 database and its WAL and SHM become 0600', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const db = path.join(dir, 'mine.db');
    const old = new (sqlite())(db);
    old.close();
    fs.chmodSync(db, 0o644);
    const reader = new (sqlite())(db, { readonly: true });
    try {
      expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db])).exitCode).toBe(0);
      reader.prepare('SELECT COUNT(*) FROM runs').get();
      expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db])).exitCode).toBe(0);
      expect([mode(dir), mode(db), mode(`${db}-wal`), mode(`${db}-shm`)]).toEqual(['755', '600', '600', '600']);
    } finally {
      reader.close();
    }
  });

  it('keys after \\n, \\t, _ and = in checkpoint states and script arguments never reach the db, WAL or SHM bytes', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const secret = 'abcdefghijklmnopqrstuvwx1234';
    const key = `sk-proj-${secret}`;
    const args = [`OPENAI_API_KEY=${key}`, `x\n${key}`, `a\t_${key}`, '--token=hunter2', '--api-key', key, '--password', 'hunter2', 'topic'];
    expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db])).exitCode).toBe(0);
    // A reader kept open keeps the WAL and shared memory (with the run's pages) for the grep after wflo exits.
    const reader = new (sqlite())(db, { readonly: true });
    try {
      reader.prepare('SELECT COUNT(*) FROM runs').get();
      const result = await wflo(['run', path.join(FIXTURES, 'secrets.mjs'), '--db', db, '--', ...args], { env: { TEST_KEY: key } });
      expect(result.exitCode).toBe(0);
      expect(fs.statSync(`${db}-wal`).size).toBeGreaterThan(0);
      for (const suffix of ['', '-wal', '-shm']) expect([suffix, fs.readFileSync(`${db}${suffix}`).includes(secret)]).toEqual([suffix, false]);
      const stored = JSON.parse((reader.prepare('SELECT args FROM runs ORDER BY started_at DESC LIMIT 1').get() as { args: string }).args) as string[];
      expect(stored).toEqual(['OPENAI_API_KEY=[REDACTED]', 'x\n[REDACTED]', 'a\t_[REDACTED]', '--token=[REDACTED]', '--api-key', '[REDACTED]', '--password', '[REDACTED]', 'topic']);
      // Stored whole (not deflated), so the grep above saw the checkpoint's bytes.
      expect(reader.prepare('SELECT deflated FROM checkpoints').get()).toEqual({ deflated: 0 });
    } finally {
      reader.close();
    }
    const runId = readDb(db).runs[1]!.id;
    const checkpoints = JSON.parse((await wflo(['checkpoints', runId, '--db', db, '--json'])).stdout) as Array<{ id: string }>;
    const shown = await wflo(['checkpoints', 'show', checkpoints[0]!.id, '--db', db]);
    expect(JSON.parse(shown.stdout)).toEqual({
      notes: 'line one\n[REDACTED]', env: { token: '\t[REDACTED]' }, list: ['OPENAI_[REDACTED]'], assign: 'OPENAI_API_KEY=[REDACTED]',
      auth: 'headers:\nAuthorization: [REDACTED]', byKey: { '\n[REDACTED]': 1 },
      args: ['OPENAI_API_KEY=[REDACTED]', 'x\n[REDACTED]', 'a\t_[REDACTED]', '--token=hunter2', '--api-key', '[REDACTED]', '--password', 'hunter2', 'topic'],
    });
  });
});

describe('a resumed run whose arguments were stored redacted', () => {
  it('is refused in one line unless the arguments are given again, and then the script gets them', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const out = path.join(dir, 'args.json');
    const args = ['--api-key', 'hunter2-is-my-password', 'topic'];
    expect((await wflo(['run', path.join(FIXTURES, 'print-args.mjs'), '--db', db, '--', ...args], { env: { ARGS_OUT: out, EXIT_WITH: '1' } })).exitCode).toBe(1);
    const runId = readDb(db).runs[0]!.id;
    const refused = await wflo(['resume', runId, '--db', db], { env: { ARGS_OUT: out } });
    expect([refused.exitCode, refused.stderr]).toEqual([2,
      `wflo: run ${runId} was started with secrets in its arguments, stored redacted; pass them again: wflo resume ${runId} -- <args>`]);
    fs.rmSync(out);
    expect((await wflo(['resume', runId, '--db', db, '--', ...args], { env: { ARGS_OUT: out } })).exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(args);
    expect(readDb(db).runs[0]).toMatchObject({ status: 'completed' });
  });
});

describe('files that are not wflo stores', () => {
  it('a foreign SQLite file is refused by every command with one line, exit 2, and left byte-identical', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    const other = new (sqlite())(file);
    other.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES (\'ada\')');
    other.close();
    const before = sha(file);
    for (const args of [['status'], ['status', 'run-x'], ['checkpoints', 'run-x'], ['rollback', 'ck-x'], ['resume', 'run-x'], ['run', path.join(FIXTURES, 'plain.mjs')]]) {
      const result = await wflo([...args, '--db', file]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([`wflo: ${file} is not a wflo database (it has no wflo tables); wflo leaves it untouched`]);
    }
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['app.db']);
  });

  it('a command other than run on a missing db: one line, exit 2, and nothing created (not even .wflo/)', async () => {
    const dir = tempDir();
    for (const args of [['status'], ['status', 'run-x'], ['checkpoints', 'run-x'], ['checkpoints', 'show', 'cp-x'], ['rollback', 'cp-x'], ['resume', 'run-x']]) {
      const named = await wflo([...args, '--db', path.join(dir, 'none.db')]);
      expect([named.exitCode, named.stderr]).toEqual([2, `wflo: no wflo database at ${path.join(dir, 'none.db')} (run \`wflo run\` first, or pass --db)`]);
      const fallback = await wflo(args, { cwd: dir });
      expect([fallback.exitCode, fallback.stderr]).toEqual([2, `wflo: no wflo database at ${path.join(dir, '.wflo', 'wflo.db')} (run \`wflo run\` first, or pass --db)`]);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a database locked by another process: one line and exit 2 once the busy timeout has passed, nothing recorded', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db])).exitCode).toBe(0);
    const holder = new (sqlite())(db);
    try {
      holder.exec('BEGIN EXCLUSIVE; UPDATE runs SET error = error;');
      const result = await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([`wflo: cannot start a run in ${db}: database is locked (another process held it for more than 5 s)`]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(readDb(db).runs).toHaveLength(1);
  });
});

describe('bounds and leftovers', () => {
  it('--grace is bounded to an hour (Node caps timers): larger or odd values are refused', async () => {
    for (const grace of ['1e30', '3600001', '1.5', '-1']) {
      const result = await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--grace', grace, '--db', path.join(tempDir(), 'w.db')]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim()).toBe(`wflo: --grace must be a whole number of milliseconds from 0 to 3600000 (one hour), got "${grace}"`);
    }
    const db = path.join(tempDir(), 'w.db');
    expect((await wflo(['run', path.join(FIXTURES, 'wait-then-exit.mjs'), '--db', db, '--', '10'], { env: { EXIT_WITH: '1' } })).exitCode).toBe(1);
    const resumed = await wflo(['resume', readDb(db).runs[0]!.id, '--grace', '1e30', '--db', db]);
    expect([resumed.exitCode, resumed.stderr]).toEqual([2, 'wflo: --grace must be a whole number of milliseconds from 0 to 3600000 (one hour), got "1e30"']);
    expect(readDb(db).runs[0]).toMatchObject({ status: 'failed' });
    for (const [graceMs, why] of [[1e9, 'must be <= 3600000'], [1.5, 'must be a whole number']] as const) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'wflo.config.json'), JSON.stringify({ graceMs }));
      const result = await wflo(['run', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
      expect([result.exitCode, result.stderr]).toEqual([2, `wflo: ${path.join(dir, 'wflo.config.json')} is invalid:\n  graceMs: ${why}`]);
    }
  });

  it('the socket of a SIGKILLed wflo is swept at the next start; sockets live in a private per-user directory', async () => {
    const tmp = tempDir();
    const sockets = path.join(tmp, `wflo-${uid}`);
    const child = execa(process.execPath, [BIN, 'run', path.join(FIXTURES, 'wait-then-exit.mjs'), '--db', path.join(tmp, 'w.db'), '--', '3000'],
      { cwd: ROOT, env: { CI: '1', TMPDIR: tmp }, reject: false });
    const deadline = Date.now() + 10_000;
    while ((!fs.existsSync(sockets) || fs.readdirSync(sockets).length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const stale = fs.readdirSync(sockets);
    expect(stale).toHaveLength(1);
    expect(mode(sockets)).toBe('700');
    child.kill('SIGKILL');
    await child;
    expect(fs.readdirSync(sockets)).toEqual(stale); // left behind
    const next = await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', path.join(tmp, 'w.db')], { env: { TMPDIR: tmp } });
    expect(next.exitCode).toBe(0);
    expect(fs.readdirSync(sockets)).toEqual([]);
  });

  it('two resumes of the same run started at once: exactly one runs, the other is refused with one line', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = tempDir();
      const db = path.join(dir, 'wflo.db');
      expect((await wflo(['run', path.join(FIXTURES, 'wait-then-exit.mjs'), '--db', db, '--', '10'], { env: { EXIT_WITH: '1' } })).exitCode).toBe(1);
      const runId = readDb(db).runs[0]!.id;
      // Each attempt runs 1.5 s (arguments given again), so the two overlap however their starts are spread.
      const [a, b] = await Promise.all([1, 2].map(() => wflo(['resume', runId, '--db', db, '--', '1500'])));
      const codes = [a!.exitCode, b!.exitCode].sort();
      expect(codes).toEqual([0, 2]);
      const refused = [a!, b!].find((r) => r.exitCode === 2)!;
      expect(refused.stderr.trim()).toMatch(new RegExp(`^wflo: run ${runId} is (?:still|already) running \\(wflo pid \\d+\\); stop it before you resume it$`));
      expect(readDb(db).runs[0]).toMatchObject({ status: 'completed' });
    }
  });
});
