import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlite } from '../../src/store/sqlite.js';
import { execa } from 'execa';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const BIN = path.join(ROOT, 'bin', 'wflo.js');

export interface WfloResult { exitCode: number; stdout: string; stderr: string }

/** A fresh temp dir for one test's database, reports and config. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-test-'));
}

/** A fresh temp dir holding this wflo.config.json. */
export function withConfig(config: unknown): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'wflo.config.json'), JSON.stringify(config));
  return dir;
}

/** Runs the real CLI in a child process, as CI would (plain output). */
export async function wflo(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<WfloResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { CI: '1', ...options.env },
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Environment pointing the real SDKs at a fake provider. */
export function providerEnv(provider: { openaiBaseUrl: string; anthropicBaseUrl: string }): Record<string, string> {
  return {
    OPENAI_BASE_URL: provider.openaiBaseUrl, ANTHROPIC_BASE_URL: provider.anthropicBaseUrl,
    OPENAI_API_KEY: 'sk-test-key-123', ANTHROPIC_API_KEY: 'sk-ant-test-key-123',
  };
}

export interface CallRow {
  seq: number; provider: string; model: string; endpoint: string; stream: number; status: string; estimated: number;
  input_tokens: number; cached_input_tokens: number; cache_write_tokens: number; output_tokens: number; reasoning_tokens: number;
  cost_nano: number; reserved_nano: number; pid: number; run_id: string;
}
export interface RunRow { id: string; status: string; exit_code: number | null; spent_nano: number; budget_nano: number | null }

/** Reads the store the run wrote, with plain SQL: the test checks the file, not wflo's own reader. */
export function readDb(file: string): { runs: RunRow[]; calls: CallRow[] } {
  const db = new (sqlite())(file, { readonly: true });
  try {
    return {
      runs: db.prepare('SELECT * FROM runs ORDER BY started_at').all() as RunRow[],
      calls: db.prepare('SELECT * FROM llm_calls ORDER BY seq').all() as CallRow[],
    };
  } finally {
    db.close();
  }
}
