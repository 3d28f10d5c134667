import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startFakeProvider, type FakeProvider } from '../../src/simulator/server.js';
import { BIN, FIXTURES, providerEnv, tempDir, wflo, withConfig } from './wflo.js';

/** A `wflo ui` child process and the URL it printed. */
export interface UiProcess {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends a signal and resolves with the exit code (or 128 + n when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts the real `wflo ui` (as a user would) and waits for the URL line. */
export async function startUi(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<UiProcess> {
  const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', ...args], { cwd: options.cwd, env: { ...process.env, CI: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wflo ui printed no URL in 15 s: ${out} ${err}`)), 15_000);
    const look = (): void => {
      const found = /wflo ui: (http:\/\/\S+)/.exec(out)?.[1];
      if (found) { clearTimeout(timer); resolve(found); }
    };
    child.stdout.on('data', look);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`wflo ui exited ${code}: ${err}`)); });
  });
  return {
    url, child, stdout: () => out, stderr: () => err,
    stop: async (signal = 'SIGTERM') => { if (child.exitCode === null) child.kill(signal); return exited; },
  };
}

/** The runs of the store the ui tests read, by what each shows. */
export interface UiStore {
  db: string;
  dir: string;
  /** steps.mjs killed after step 4's call, resumed, rolled back to step 2, resumed: 9 calls, 8 checkpoints (3 superseded). */
  steps: string;
  /** tool-loop.mjs with --on-loop error: 6 calls asking for the same tool, the 7th refused as a loop. */
  loop: string;
  /** failing-calls.mjs against a provider failing with 500: dead letters, then calls refused by the open circuit. */
  circuit: string;
  /** agents-budgets.mjs: a researcher over its own small budget (refused calls) and a writer. */
  agents: string;
  /** fitted-then-crash.mjs at a $0.01 budget: one call fitted to it, then the script fails (exit 1). */
  fitted: string;
}

function runIdOf(stderr: string): string {
  const id = /run (run-[0-9a-f]{8})/.exec(stderr)?.[1];
  if (!id) throw new Error(`no run id in: ${stderr}`);
  return id;
}

/**
 * Makes a store with real runs of the test fixtures (real SDKs against the fake provider, every
 * call at 100 input and 10 output tokens): gpt-4o-mini calls cost 21,000 nano-USD, gpt-4o 350,000.
 */
export async function makeUiStore(provider: FakeProvider): Promise<UiStore> {
  const dir = withConfig({ retry: { baseDelayMs: 5 } });
  const db = path.join(dir, 'wflo.db');
  const env = providerEnv(provider);
  const run = async (args: string[], extra: Record<string, string> = {}, envOf = env): Promise<string> =>
    runIdOf((await wflo(['run', '--db', db, ...args], { cwd: dir, env: { ...envOf, ...extra } })).stderr);

  const steps = await run([path.join(FIXTURES, 'steps.mjs'), '--budget', '1'], { KILL_AFTER_CALL: '4' });
  await wflo(['resume', steps, '--db', db], { cwd: dir, env });
  const listed = JSON.parse((await wflo(['checkpoints', steps, '--db', db, '--json'], { cwd: dir })).stdout) as Array<{ id: string; seq: number }>;
  await wflo(['rollback', listed.find((c) => c.seq === 2)?.id ?? '', '--db', db], { cwd: dir });
  await wflo(['resume', steps, '--db', db], { cwd: dir, env });

  const loop = await run([path.join(FIXTURES, 'tool-loop.mjs'), '--on-loop', 'error']);
  const agents = await run([path.join(FIXTURES, 'agents-budgets.mjs'), '--agent-budget', 'researcher=0.0001', '--no-fit', '--', '8']);
  const fitted = await run([path.join(FIXTURES, 'fitted-then-crash.mjs'), '--budget', '0.01'], { CRASH: '1' });
  // Last: the circuit it leaves open (kept across runs) would refuse the other runs' gpt-4o-mini calls.
  const failing = await startFakeProvider({ failWith: () => ({ status: 500 }) });
  let circuit: string;
  try {
    circuit = await run([path.join(FIXTURES, 'failing-calls.mjs'), '--', '8'], {}, providerEnv(failing));
  } finally {
    await failing.close();
  }
  return { db, dir, steps, loop, circuit, agents, fitted };
}

/** A fresh temp dir path for a database that does not exist. */
export function missingDb(): string {
  return path.join(tempDir(), 'none.db');
}
