import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeFault, type FakeProvider } from '../src/simulator/server.js';
import { BIN, FIXTURES, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** One clear line on stderr, exit 2. */
function expectUsageError(result: { exitCode: number; stderr: string }, text: string): void {
  expect(result.exitCode).toBe(2);
  expect(result.stderr.trim().split('\n')[0]).toContain(text);
}

describe('bad input gets one clear line and exit 2', () => {
  it('missing script', async () => {
    const result = await wflo(['run', 'nope/agent.ts', '--db', path.join(tempDir(), 'w.db')]);
    expectUsageError(result, 'wflo: script not found: nope/agent.ts');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a --node that cannot be executed: exit 126, one line why, and only the script\'s group is signalled (the shell that started wflo lives on)', async () => {
    const dir = tempDir();
    const node = path.join(dir, 'not-executable');
    fs.writeFileSync(node, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const db = path.join(dir, 'w.db');
    // A shell in a process group of its own, as a terminal or CI job starts wflo: it must outlive wflo.
    const shell = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run --node ${JSON.stringify(node)} --db ${JSON.stringify(db)} ${JSON.stringify(path.join(FIXTURES, 'plain.mjs'))} 2>&1; echo "wflo exit $?"; sleep 0.3; echo shell alive`], { encoding: 'utf8', detached: true });
    expect([shell.status, shell.signal]).toEqual([0, null]);
    expect(shell.stdout).toContain(`wflo: cannot start the script: spawn ${node} EACCES`);
    expect(shell.stdout.trim().split('\n').slice(-2)).toEqual(['wflo exit 126', 'shell alive']);
    expect(readDb(db).runs.map((r) => [r.status, r.exit_code])).toEqual([['failed', 126]]);
  });

  it('unsupported file type', async () => {
    expectUsageError(await wflo(['run', 'README.md']), 'unsupported file type ".md"');
  });

  it.each(['0', '-1', 'abc', '1e400', ''])('budget %j', async (budget) => {
    expectUsageError(await wflo(['run', path.join(FIXTURES, 'plain.mjs'), `--budget=${budget}`]), '--budget must be a positive number of US dollars');
  });

  it('unknown flag and bad --on-budget', async () => {
    expectUsageError(await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--bugdet', '5']), "unknown option '--bugdet'");
    expectUsageError(await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--on-budget', 'explode']), 'Allowed choices are stop, error');
  });

  it('a corrupt database is refused before the script runs, and is left as it was', async () => {
    const db = path.join(tempDir(), 'wflo.db');
    fs.writeFileSync(db, 'this is not a database, but it is somebody\'s file'.repeat(100));
    const before = fs.readFileSync(db);
    const result = await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db]);
    expectUsageError(result, `cannot open wflo database ${db}: file is not a database`);
    expect(result.stdout).toBe('');
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    expectUsageError(await wflo(['status', '--db', db]), 'file is not a database');
  });

  it('status of a database that does not exist, and of an unknown run', async () => {
    const dir = tempDir();
    expectUsageError(await wflo(['status', '--db', path.join(dir, 'none.db')]), 'no wflo database at');
    await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', path.join(dir, 'w.db')]);
    expectUsageError(await wflo(['status', 'run-nothere', '--db', path.join(dir, 'w.db')]), 'no run with id "run-nothere"');
  });

  it('a bad wflo.config.json names the problem', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'wflo.config.json'), JSON.stringify({ budget: -3 }));
    const result = await wflo(['run', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expectUsageError(result, 'wflo.config.json is invalid:');
    expect(result.stderr.split('\n').slice(1)).toEqual(['  budget: must be > 0']);
  });
});

describe('a provider that answers garbage', () => {
  it.each<[FakeFault, string]>([['malformed-json', 'chat'], ['broken-stream', 'chat-stream']])(
    '%s: the script sees the error, the call is charged at its reservation, earlier runs are intact', async (fault, kind) => {
      const db = path.join(tempDir(), 'wflo.db');
      provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
      const first = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '1', '--db', db, '--', 'chat'], { env: providerEnv(provider) });
      expect(first.exitCode).toBe(0);
      await provider.close();

      provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 }, fault });
      const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '1', '--db', db, '--', kind], { env: providerEnv(provider) });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).not.toContain('internal error');
      const { runs, calls } = readDb(db);
      expect(runs.map((r) => r.status)).toEqual(['completed', 'failed']);
      expect(calls.filter((c) => c.status === 'ok')).toMatchObject([{ cost_nano: 21_000 }]);
      const estimated = calls.filter((c) => c.status === 'estimated');
      expect(estimated).toHaveLength(1);
      expect(estimated[0]?.cost_nano).toBe(estimated[0]?.reserved_nano);
      expect(estimated[0]?.cost_nano).toBeGreaterThan(0);
    });
});
