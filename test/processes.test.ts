import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { isAlive, waitFor } from './helpers/processes.js';
import { BIN, FIXTURES, providerEnv, readDb, ROOT, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** Starts wflo on the sleeper fixture and resolves once the script has made its call. */
async function startSleeper(env: Record<string, string>) {
  const dir = tempDir();
  const pidFile = path.join(dir, 'pid');
  const db = path.join(dir, 'wflo.db');
  const child = execa(process.execPath, [BIN, 'run', path.join(FIXTURES, 'sleeper.mjs'), '--db', db, '--grace', '1000', '--', pidFile],
    { cwd: ROOT, env: { CI: '1', ...env }, reject: false });
  // The script has its answer, and wflo has settled the call (its plain line comes after).
  await Promise.all([
    new Promise<void>((resolve) => child.stdout?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); })),
    new Promise<void>((resolve) => child.stderr?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('call #1')) resolve(); })),
  ]);
  // The line is written inside the transaction that records the call: give its commit a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { child, db, scriptPid: Number(fs.readFileSync(pidFile, 'utf8')) };
}

describe('the supervised script', () => {
  it('keeps its stdout, stderr, arguments, environment and exit code; other traffic is untouched', async () => {
    const server = http.createServer((_req, res) => res.end('fine'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'plain.mjs'), '--db', db, '--', 'a', '--b'],
      { env: { WFLO_FIXTURE: 'passed', EXIT_WITH: '7', OTHER_URL: otherUrl } });
    server.close();
    expect(result.stdout).toBe('hello a --b\nother 200');
    expect(result.stderr).toContain('env passed');
    expect(result.exitCode).toBe(7);
    expect(readDb(db).runs[0]).toMatchObject({ status: 'failed', exit_code: 7, spent_nano: 0 });
  });

  it('run by its bin, wflo starts without NODE_EXTRA_CA_CERTS (node 20 would load it first) and the script gets it back exactly', async () => {
    const db = path.join(tempDir(), 'wflo.db');
    const pem = path.join(tempDir(), 'extra ca.pem');
    fs.writeFileSync(pem, '');
    const run = async (value: string | undefined) => {
      const env: Record<string, string | undefined> = { CI: '1', NODE_EXTRA_CA_CERTS: value };
      // The bin itself, as `wflo` is started from node_modules/.bin: not `node bin/wflo.js`.
      const result = await execa(BIN, ['run', path.join(FIXTURES, 'ca-env.mjs'), '--db', db], { cwd: ROOT, env, reject: false });
      expect(result.exitCode).toBe(0);
      return JSON.parse(String(result.stdout)) as unknown;
    };
    expect(await run(pem)).toEqual({ script: pem, carried: null, wfloStartedWith: false });
    expect(await run('')).toEqual({ script: '', carried: null, wfloStartedWith: false });
    expect(await run(undefined)).toEqual({ script: null, carried: null, wfloStartedWith: false });
    expect(readDb(db).runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('meters calls made from worker threads', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', path.join(FIXTURES, 'worker-thread.mjs'), '--budget', '1', '--db', db], { env: providerEnv(provider) });
    expect(result.stdout).toContain('worker usage 110');
    expect(result.exitCode).toBe(0);
    // 100 × 150 + 10 × 600 nano
    expect(readDb(db).calls).toMatchObject([{ status: 'ok', cost_nano: 21_000 }]);
  });

  it('runs TypeScript agents', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
    const dir = tempDir();
    const db = path.join(dir, 'wflo.db');
    const result = await wflo(['run', 'examples/research-agent.ts', '--budget', '1', '--db', db], { env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    // 12 steps and a summary, each 21,000 nano.
    expect(readDb(db).runs[0]).toMatchObject({ status: 'completed', spent_nano: 13 * 21_000 });
  });

  it('the README demo: --simulate runs the example with no key and stops it at its budget', async () => {
    const db = path.join(tempDir(), 'wflo.db');
    const result = await wflo(['run', '--simulate', 'examples/research-agent.ts', '--budget', '0.002', '--db', db], { env: { OPENAI_API_KEY: 'sk-real-key-never-used' } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('SIMULATED provider');
    expect(result.stdout).toContain('step 1:');
    const { runs, calls } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'budget_exceeded', exit_code: 3 });
    expect(runs[0]?.spent_nano).toBeLessThanOrEqual(2_000_000);
    expect(calls.filter((c) => c.status === 'ok').length).toBeGreaterThan(3);
    expect(calls.at(-1)?.status).toBe('denied');
  });

  it('Ctrl-C stops the script and its run is recorded as interrupted', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
    const { child, db, scriptPid } = await startSleeper(providerEnv(provider));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(await waitFor(() => !isAlive(scriptPid), 3000)).toBe(true);
    const { runs, calls } = readDb(db);
    expect(runs[0]).toMatchObject({ status: 'interrupted', exit_code: 130, spent_nano: 21_000 });
    expect(calls).toHaveLength(1);
  });

  it('if wflo itself is killed, the script goes with it, and its finished call stays recorded', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
    const { child, db, scriptPid } = await startSleeper(providerEnv(provider));
    child.kill('SIGKILL');
    await child;
    expect(await waitFor(() => !isAlive(scriptPid), 5000)).toBe(true);
    expect(readDb(db).calls).toMatchObject([{ status: 'ok', cost_nano: 21_000 }]);
    const status = await wflo(['status', '--db', db, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject([{ status: 'interrupted', spentUsd: 0.000021 }]);
  });

  it('the hook says hello from the script and its worker thread, not from the thread Node 20 runs tsx\'s loader in', async () => {
    const dir = tempDir();
    const socketPath = path.join(dir, 'supervisor.sock');
    const hellos: Array<{ type: string; thread: number }> = [];
    const server = net.createServer((socket) => {
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString();
        for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
          const message = JSON.parse(buffered.slice(0, i)) as { type: string; thread: number };
          buffered = buffered.slice(i + 1);
          if (message.type === 'hello') hellos.push(message);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const tsx = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
      const result = await execa(process.execPath, ['--require', path.join(ROOT, 'dist', 'preload.cjs'), '--import', tsx, path.join(FIXTURES, 'worker-hello.ts')],
        { env: { WFLO_SOCKET: socketPath, WFLO_LOG_DIR: dir }, reject: false });
      expect(result.exitCode).toBe(0);
      const worker = Number(/worker (\d+)/.exec(String(result.stdout))?.[1]);
      expect(hellos.map((h) => h.thread).sort((a, b) => a - b)).toEqual([0, worker]);
    } finally {
      server.close();
    }
  });

  it('a process that cannot reach the supervisor makes no LLM call', async () => {
    provider = await startFakeProvider();
    const result = await execa(process.execPath, ['--require', path.join(ROOT, 'dist', 'preload.cjs'), path.join(FIXTURES, 'call.mjs'), 'chat'], {
      env: { ...providerEnv(provider), WFLO_SOCKET: path.join(tempDir(), 'nobody-listens.sock') }, reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('cannot reach the wflo supervisor');
    expect(provider.requestCount()).toBe(0);
  });
});
