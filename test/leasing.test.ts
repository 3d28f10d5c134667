import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { isAlive, waitFor } from './helpers/processes.js';
import { sqlite } from '../src/store/sqlite.js';
import { BIN, FIXTURES, providerEnv, readDb, ROOT, tempDir, wflo } from './helpers/wflo.js';

// Leasing: a process that called once holds credit and prices, and grants its next calls itself,
// telling wflo before each request leaves. These tests kill processes to check what that keeps.

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** The first call answers at once (it gets the lease); every later one takes `slowMs`. */
const slowAfterFirst = (slowMs: number) => (seq: number): number => (seq === 1 ? 0 : slowMs);
/** gpt-4o-mini, 100 in / 10 out (as the provider bills below). */
const FIRST_CALL_NANO = 21_000;

/** The call logs a wflo process's run has in the tmpfs log directory. */
function callLogsOf(wfloPid: number): string[] {
  const dir = `/dev/shm/wflo-${process.getuid?.() ?? 'user'}`;
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.startsWith(`wflo-${wfloPid}-`) && name.endsWith('.log')) : [];
}

/** Starts the fixture under wflo; resolves once its first call is answered (it holds a lease now). */
async function startLeased(n: number, how: 'together' | 'in-turn'): Promise<{ child: ResultPromise; db: string; scriptPid: number }> {
  const dir = tempDir();
  const pidFile = path.join(dir, 'pid');
  const db = path.join(dir, 'wflo.db');
  const child = execa(process.execPath, [BIN, 'run', path.join(FIXTURES, 'leased-calls.mjs'), '--db', db, '--budget', '1', '--grace', '1000', '--', pidFile, String(n), how],
    { cwd: ROOT, env: { CI: '1', ...providerEnv(provider!) }, reject: false, stdin: 'pipe' });
  await new Promise<void>((resolve) => child.stdout?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('leased')) resolve(); }));
  return { child, db, scriptPid: Number(fs.readFileSync(pidFile, 'utf8')) };
}

describe('leased calls', () => {
  it('go while wflo is stopped (no round trip); the script killed -9 then: once wflo reads on, each call that left is in the ledger, exact or at its reservation', async () => {
    // Calls 2-9 answer at once, the 10th hangs.
    provider = await startFakeProvider({ latencyMs: (seq) => (seq === 10 ? 30_000 : 0), usage: { inputTokens: 100, outputTokens: 10 } });
    const { child, db, scriptPid } = await startLeased(9, 'in-turn');
    const wfloPid = child.pid!;
    process.kill(wfloPid, 'SIGSTOP');
    try {
      child.stdin?.write('go\n');
      // Eight calls answered and a ninth sent though wflo cannot answer anything: they were granted from the lease.
      expect(await waitFor(() => provider!.requestCount() === 10 && provider!.billed.length === 9, 10_000)).toBe(true);
      process.kill(scriptPid, 'SIGKILL');
      expect(await waitFor(() => !isAlive(scriptPid), 5000)).toBe(true);
    } finally {
      process.kill(wfloPid, 'SIGCONT');
    }
    const result = await child;
    expect(result.exitCode).toBe(137);
    const { runs, calls } = readDb(db);
    // Read to the end and removed once the script's process was gone.
    expect(callLogsOf(wfloPid)).toEqual([]);
    expect(calls).toHaveLength(10);
    // What the provider answered is costed exactly, from the reports wflo read after it went on.
    for (const call of calls.slice(0, 9)) expect(call).toMatchObject({ status: 'ok', estimated: 0, cost_nano: FIRST_CALL_NANO });
    // The unfinished one: charged its whole reservation, the worst case of 50 output tokens on "question 9".
    const last = calls[9]!;
    expect(last).toMatchObject({ status: 'estimated', estimated: 1, cost_nano: last.reserved_nano });
    expect(last.reserved_nano).toBeGreaterThan(30_000);
    expect(runs[0]).toMatchObject({ status: 'failed', spent_nano: 9 * FIRST_CALL_NANO + last.reserved_nano });
  });

  it('wflo killed -9 with leased calls in flight: the script goes with it, sends nothing more, and the calls it started are on record', async () => {
    provider = await startFakeProvider({ latencyMs: slowAfterFirst(800), usage: { inputTokens: 100, outputTokens: 10 } });
    const { child, db, scriptPid } = await startLeased(4, 'together');
    child.stdin?.write('go\n');
    expect(await waitFor(() => provider!.requestCount() === 5, 10_000)).toBe(true);
    // Longer than wflo takes to commit what it read (10 ms), far shorter than the calls.
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGKILL');
    await child;
    expect(await waitFor(() => !isAlive(scriptPid), 5000)).toBe(true);
    // The script's call log is left behind by the killed wflo (on tmpfs, where there is one).
    const hasShm = fs.existsSync('/dev/shm');
    if (hasShm) expect(callLogsOf(child.pid!)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(provider.requestCount()).toBe(5);
    expect(provider.billed).toHaveLength(1);
    const { calls } = readDb(db);
    expect(calls.map((c) => c.status)).toEqual(['ok', 'in_flight', 'in_flight', 'in_flight', 'in_flight']);
    // A run whose wflo died is spent what it committed to: its unfinished calls at their reservation.
    // `status` files what the dead wflo left in the logs first (here: starts it had read, so nothing new) and removes them.
    const status = JSON.parse((await wflo(['status', '--db', db, '--json'])).stdout) as Array<{ status: string; spentUsd: number }>;
    const reserved = calls.slice(1).reduce((sum, c) => sum + c.reserved_nano, 0);
    expect(status[0]).toMatchObject({ status: 'interrupted', spentUsd: (FIRST_CALL_NANO + reserved) / 1e9 });
    expect(callLogsOf(child.pid!)).toEqual([]);
    expect(readDb(db).calls).toEqual(calls);
    expect((await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db])).exitCode).toBe(0);
    expect(readDb(db).calls.filter((c) => c.run_id === calls[0]!.run_id).map((c) => c.status)).toEqual(['ok', 'in_flight', 'in_flight', 'in_flight', 'in_flight']);
  });

  it('wflo killed -9 before it read the calls made from the lease: `status` files them from the logs, exact, each once; `resume` counts them', async () => {
    // Calls 2-9 answer at once, the 10th hangs.
    provider = await startFakeProvider({ latencyMs: (seq) => (seq === 10 ? 30_000 : 0), usage: { inputTokens: 100, outputTokens: 10 } });
    const { child, db, scriptPid } = await startLeased(9, 'in-turn');
    const wfloPid = child.pid!;
    // Stopped, wflo reads nothing more; then it is killed without a chance to.
    process.kill(wfloPid, 'SIGSTOP');
    child.stdin?.write('go\n');
    expect(await waitFor(() => provider!.requestCount() === 10 && provider!.billed.length === 9, 10_000)).toBe(true);
    process.kill(wfloPid, 'SIGKILL');
    await child;
    expect(await waitFor(() => !isAlive(scriptPid), 5000)).toBe(true);
    const runId = readDb(db).runs[0]!.id;
    // On record: only the call wflo granted itself (its settle is still in the log).
    expect(readDb(db).calls.map((c) => c.status)).toEqual(['in_flight']);
    if (!fs.existsSync('/dev/shm')) return; // beside the socket instead: the same, but not where callLogsOf looks
    expect(callLogsOf(wfloPid)).toHaveLength(1);

    // While another process holds the store's write lock, `status` still shows the run as recorded, says why, and files nothing.
    const locker = new (sqlite())(db);
    try {
      locker.exec('BEGIN IMMEDIATE');
      const locked = await wflo(['status', '--db', db, '--json']);
      expect(locked.exitCode).toBe(0);
      expect(locked.stderr).toBe('wflo: calls a killed wflo left in its call logs are not on record yet (database is locked); showing what is');
      expect((JSON.parse(locked.stdout) as Array<{ llmCalls: number }>)[0]).toMatchObject({ llmCalls: 1 });
      expect(callLogsOf(wfloPid)).toHaveLength(1);
    } finally {
      locker.close();
    }

    // `wflo status` files them first, so it shows what was spent: 9 exact, the hanging one at its reservation.
    const status = JSON.parse((await wflo(['status', '--db', db, '--json'])).stdout) as Array<{ status: string; spentUsd: number; llmCalls: number }>;
    expect(callLogsOf(wfloPid)).toEqual([]);
    const { calls } = readDb(db);
    expect(calls).toHaveLength(10);
    for (const call of calls.slice(0, 9)) expect(call).toMatchObject({ status: 'ok', estimated: 0, cost_nano: FIRST_CALL_NANO });
    expect(calls[9]).toMatchObject({ status: 'in_flight', estimated: 1, cost_nano: calls[9]!.reserved_nano });
    expect(new Set(calls.map((c) => c.seq)).size).toBe(10);
    expect(status[0]).toMatchObject({ status: 'interrupted', llmCalls: 10, spentUsd: (9 * FIRST_CALL_NANO + calls[9]!.reserved_nano) / 1e9 });

    // A resume counts them: the budget is spent. Nothing is filed twice.
    const resumed = await wflo(['resume', runId, '--db', db, '--budget', String((9 * FIRST_CALL_NANO) / 1e9)]);
    expect(resumed.stderr).toContain('has already spent its budget');
    expect(resumed.exitCode).toBe(2);
    expect(readDb(db).calls).toEqual(calls);
  });

  it('a checkpoint not awaited, then a call from the lease: filed in the order the script made them, though one went by socket and one by the call log', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
    const db = path.join(tempDir(), 'wflo.db');
    const child = execa(process.execPath, [BIN, 'run', path.join(FIXTURES, 'unawaited-checkpoint.mjs'), '--db', db, '--budget', '1'],
      { cwd: ROOT, env: { CI: '1', ...providerEnv(provider) }, reject: false, stdin: 'pipe' });
    await new Promise<void>((resolve) => child.stdout?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('leased')) resolve(); }));
    // Stopped, wflo reads nothing: when it goes on, its timer would read the log before the socket.
    process.kill(child.pid!, 'SIGSTOP');
    try {
      child.stdin?.end('go\n');
      expect(await waitFor(() => provider!.requestCount() === 2, 10_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.kill(child.pid!, 'SIGCONT');
    }
    const result = await child;
    expect(result.exitCode).toBe(0);
    const sql = new (sqlite())(db, { readonly: true });
    try {
      const checkpoints = sql.prepare('SELECT seq, name FROM checkpoints').all();
      expect(checkpoints).toEqual([{ seq: 1, name: 'after the first call' }]);
      const calls = sql.prepare('SELECT seq, status, after_checkpoint_seq AS after FROM llm_calls ORDER BY seq').all();
      expect(calls).toEqual([{ seq: 1, status: 'ok', after: 0 }, { seq: 2, status: 'ok', after: 1 }]);
    } finally {
      sql.close();
    }
  });
});
