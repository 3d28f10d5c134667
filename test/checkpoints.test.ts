import fs from 'node:fs';
import path from 'node:path';
import { sqlite } from '../src/store/sqlite.js';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { BIN, FIXTURES, providerEnv, readDb, ROOT, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider;
beforeAll(async () => { provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } }); });
afterAll(async () => { await provider.close(); });

interface CheckpointJson { id: string; runId: string; name: string; seq: number; spentUsd: number; status: string }

async function checkpointsOf(db: string, runId: string): Promise<CheckpointJson[]> {
  const result = await wflo(['checkpoints', runId, '--db', db, '--json']);
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as CheckpointJson[];
}

describe('checkpoints, rollback and resume', () => {
  const db = path.join(tempDir(), 'wflo.db');
  let runId = '';

  it('a run killed after step 4\'s call resumes from step 3 and pays for 5 calls, not 6', async () => {
    const first = await wflo(['run', path.join(FIXTURES, 'steps.mjs'), '--budget', '1', '--db', db], { env: { ...providerEnv(provider), KILL_AFTER_CALL: '4' } });
    expect(first.exitCode).toBe(137);
    runId = /run (run-[0-9a-f]{8})/.exec(first.stderr)?.[1] ?? '';
    expect(provider.billed).toHaveLength(4);
    expect(await checkpointsOf(db, runId)).toHaveLength(3);

    const resumed = await wflo(['resume', runId, '--db', db], { env: providerEnv(provider) });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('start after step 3');
    expect(resumed.stdout).toContain('done');
    // Step 4's call came from the journal: the provider billed 5 calls in all.
    expect(provider.billed).toHaveLength(5);
    const checkpoints = await checkpointsOf(db, runId);
    expect(checkpoints.map((c) => [c.seq, c.name, c.status])).toEqual([
      [1, 'step 1', 'active'], [2, 'step 2', 'active'], [3, 'step 3', 'active'], [4, 'step 4', 'active'], [5, 'step 5', 'head'],
    ]);
    // Spend so far at each checkpoint: 21,000 nano per billed call (100 × 150 + 10 × 600); step 4's replay was free.
    expect(checkpoints.map((c) => c.spentUsd)).toEqual([0.000021, 0.000042, 0.000063, 0.000084, 0.000105]);
    const { runs, calls } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'completed', exit_code: 0, spent_nano: 105_000 });
    expect(calls.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'replayed', 'ok']);
    expect(calls.find((c) => c.status === 'replayed')?.cost_nano).toBe(0);
  });

  it('rollback to step 2, then resume: 3 fresh calls, checkpoints 3–5 superseded', async () => {
    const step2 = (await checkpointsOf(db, runId)).find((c) => c.seq === 2);
    const rolled = await wflo(['rollback', step2?.id ?? '', '--db', db]);
    expect(rolled.exitCode).toBe(0);
    expect(rolled.stdout).toContain('3 later checkpoints superseded');
    const resumed = await wflo(['resume', runId, '--db', db], { env: providerEnv(provider) });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('start after step 2');
    expect(provider.billed).toHaveLength(8);
    const checkpoints = await checkpointsOf(db, runId);
    expect(checkpoints.map((c) => [c.seq, c.name, c.status])).toEqual([
      [1, 'step 1', 'active'], [2, 'step 2', 'active'],
      [3, 'step 3', 'superseded'], [4, 'step 4', 'superseded'], [5, 'step 5', 'superseded'],
      [6, 'step 3', 'active'], [7, 'step 4', 'active'], [8, 'step 5', 'head'],
    ]);
    // Money already spent stays spent: 8 billed calls.
    expect(readDb(db).runs[0]).toMatchObject({ status: 'completed', spent_nano: 8 * 21_000 });
    const shown = JSON.parse((await wflo(['checkpoints', 'show', checkpoints[1]?.id ?? '', '--db', db])).stdout) as { step: number; answers: string[] };
    expect(shown.step).toBe(2);
    expect(shown.answers).toHaveLength(2);
  });

  it('resume --replay after a rollback reuses the journal', async () => {
    const step2 = (await checkpointsOf(db, runId)).find((c) => c.seq === 2);
    await wflo(['rollback', step2?.id ?? '', '--db', db]);
    const resumed = await wflo(['resume', runId, '--replay', '--db', db], { env: providerEnv(provider) });
    expect(resumed.exitCode).toBe(0);
    expect(provider.billed).toHaveLength(8);
    expect(readDb(db).calls.filter((c) => c.status === 'replayed')).toHaveLength(4);
  });
});

describe('journal replay', () => {
  it('a streamed call replays as a stream, with the same text the first attempt saw', async () => {
    const before = provider.billed.length;
    const db = path.join(tempDir(), 'wflo.db');
    const first = await wflo(['run', path.join(FIXTURES, 'steps.mjs'), '--db', db], { env: { ...providerEnv(provider), KILL_AFTER_CALL: '2', STREAM: '1' } });
    expect(first.exitCode).toBe(137);
    const runId = readDb(db).runs[0]?.id ?? '';
    const resumed = await wflo(['resume', runId, '--db', db], { env: { ...providerEnv(provider), STREAM: '1' } });
    expect(resumed.exitCode).toBe(0);
    expect(provider.billed.length - before).toBe(5);
    const { calls } = readDb(db);
    expect(calls.map((c) => [c.stream, c.status])).toEqual([[1, 'ok'], [1, 'ok'], [1, 'replayed'], [1, 'ok'], [1, 'ok'], [1, 'ok']]);
    const shown = await wflo(['checkpoints', 'show', (await checkpointsOf(db, runId))[1]?.id ?? '', '--db', db]);
    const state = JSON.parse(shown.stdout) as { answers: string[] };
    // The replayed step 2 got the text the provider streamed in the first attempt.
    expect(state.answers[1]).toMatch(/^Simulated/);
  });

  it('--no-journal keeps no responses: a resumed run pays again', async () => {
    const before = provider.billed.length;
    const db = path.join(tempDir(), 'wflo.db');
    await wflo(['run', path.join(FIXTURES, 'steps.mjs'), '--no-journal', '--db', db], { env: { ...providerEnv(provider), KILL_AFTER_CALL: '2' } });
    const runId = readDb(db).runs[0]?.id ?? '';
    const resumed = await wflo(['resume', runId, '--no-journal', '--db', db], { env: providerEnv(provider) });
    expect(resumed.exitCode).toBe(0);
    expect(provider.billed.length - before).toBe(6);
    const check = new (sqlite())(db, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM journal').get()).toEqual({ n: 0 });
    check.close();
  });
});

describe('checkpoint state', () => {
  it('rejects what is not JSON data, naming the path; stores 10 MB; redacts API keys', async () => {
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'bad-states.mjs'), '--db', db]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'refused state.a.b: it is a function',
      'refused state.items[2].self: it refers back to itself (a cycle)',
      'refused state.big: it is a BigInt',
      'refused state.when: it is an instance of Map, which would not come back the same from JSON',
      'refused state.ratio: it is the number NaN, which JSON cannot hold',
    ]);
    const big = JSON.parse(lines[5] ?? '{}') as Record<string, unknown>;
    expect(big).toMatchObject({ sameId: true, length: 10 * 1024 * 1024, secret: 'my key is [REDACTED] ok' });
    const file = fs.readFileSync(db);
    expect(file.includes('abcdefghijklmnopqrstuvwxyz0123456789')).toBe(false);
  });

  it('outside wflo run, checkpoint does nothing and lastCheckpoint is undefined', async () => {
    const dir = tempDir();
    // A script in a project that does not depend on wflo.
    const script = path.join(dir, 'plain.mjs');
    fs.writeFileSync(script, "import { checkpoint, lastCheckpoint } from 'wflo';\nconsole.log(String(await checkpoint('a', { x: 1 })), String((await lastCheckpoint())?.name));\n");
    const bare = await execa(process.execPath, ['--import', path.join(ROOT, 'test', 'helpers', 'register-wflo.mjs'), script], { reject: false });
    expect(bare.stdout).toBe('undefined undefined');
    // Under wflo run, the same script imports 'wflo' without having it installed.
    const db = path.join(dir, 'wflo.db');
    const supervised = await wflo(['run', script, '--db', db], { cwd: dir });
    expect(supervised.exitCode).toBe(0);
    expect(supervised.stdout).toMatch(/^cp-[0-9a-f]{10} a$/);
  });
});

describe('checkpoint errors', () => {
  it('unknown ids and rolling back a running run get one clear line', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db]);
    expect((await wflo(['rollback', 'cp-nothere', '--db', db])).stderr).toBe('wflo: no checkpoint with id "cp-nothere" (see `wflo checkpoints <run-id>`)');
    expect((await wflo(['checkpoints', 'run-nothere', '--db', db])).exitCode).toBe(2);
    expect((await wflo(['resume', 'run-nothere', '--db', db])).stderr).toContain('no run with id "run-nothere"');

    const child = execa(process.execPath, [BIN, 'run', path.join(FIXTURES, 'ckpt-waiter.mjs'), '--db', db, '--grace', '500'], { cwd: ROOT, env: { CI: '1' }, reject: false });
    const id = await new Promise<string>((resolve) => child.stdout?.on('data', (chunk: Buffer) => {
      const match = /saved (cp-[0-9a-f]+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    }));
    const refused = await wflo(['rollback', id, '--db', db]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^wflo: run run-[0-9a-f]{8} is still running \(wflo pid \d+\); stop it before you roll it back$/);
    child.kill('SIGINT');
    await child;
    expect((await wflo(['rollback', id, '--db', db])).exitCode).toBe(0);
  });
});

describe('crash safety', () => {
  it('kill -9 of wflo during a storm of checkpoint writes, 50 times: the database is intact and every acknowledged checkpoint is there', async () => {
    const db = path.join(tempDir(), 'wflo.db');
    for (let round = 0; round < 50; round++) {
      const child = execa(process.execPath, [BIN, 'run', path.join(FIXTURES, 'checkpoint-storm.mjs'), '--db', db], { cwd: ROOT, env: { CI: '1' }, reject: false });
      // Until the first acknowledged save (or the run ends early: then the assertions below say why).
      await Promise.race([new Promise<void>((resolve) => child.stdout?.once('data', () => resolve())), child]);
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
      child.kill('SIGKILL');
      const result = await child;
      expect(result.stderr).not.toContain('internal error');
      const acknowledged = [...String(result.stdout).matchAll(/saved (cp-[0-9a-f]+)/g)].map((m) => m[1]);
      expect(acknowledged.length).toBeGreaterThan(0);
      const check = new (sqlite())(db, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        const stored = new Set((check.prepare('SELECT id FROM checkpoints').all() as Array<{ id: string }>).map((r) => r.id));
        expect(acknowledged.filter((id) => !stored.has(id ?? ''))).toEqual([]);
      } finally {
        check.close();
      }
    }
  }, 300_000);
});
