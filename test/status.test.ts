import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, providerEnv, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider;
const dir = tempDir();
const db = path.join(dir, 'wflo.db');
const runIds: string[] = [];

beforeAll(async () => {
  provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
  for (const kind of ['chat', 'anthropic']) {
    const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '2', '--db', db, '--', kind], { env: providerEnv(provider) });
    runIds.push(/run (run-[0-9a-f]{8})/.exec(result.stderr)?.[1] ?? '');
  }
});
afterAll(async () => { await provider.close(); });

describe('wflo status', () => {
  it('lists runs newest first as JSON', async () => {
    const result = await wflo(['status', '--db', db, '--json']);
    expect(result.exitCode).toBe(0);
    const runs = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    // claude-3-5-haiku: 100 × 800 + 10 × 4000 = 120,000 nano; gpt-4o-mini: 100 × 150 + 10 × 600 = 21,000 nano.
    expect(runs).toMatchObject([
      { runId: runIds[1], status: 'completed', exitCode: 0, budgetUsd: 2, spentUsd: 0.00012, llmCalls: 1 },
      { runId: runIds[0], status: 'completed', exitCode: 0, budgetUsd: 2, spentUsd: 0.000021, llmCalls: 1 },
    ]);
  });

  it('shows a table', async () => {
    const result = await wflo(['status', '--db', db]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.find((l) => l.includes(runIds[0] ?? '?'))).toMatch(/call\.mjs.*completed.*\$0\.000021 \/ \$2\.00.*│ 1 /);
    expect(result.stdout.indexOf(runIds[1] ?? '?')).toBeLessThan(result.stdout.indexOf(runIds[0] ?? '?'));
  });

  it('shows one run with its spend by model', async () => {
    const json = JSON.parse((await wflo(['status', runIds[1] ?? '', '--db', db, '--json'])).stdout) as Record<string, unknown>;
    expect(json.byModel).toEqual([{ provider: 'anthropic', model: 'claude-3-5-haiku-latest', calls: 1, inputTokens: 100, cachedInputTokens: 0,
      outputTokens: 10, costUsd: 0.00012, estimatedCalls: 0 }]);
    const text = (await wflo(['status', runIds[1] ?? '', '--db', db])).stdout;
    expect(text).toContain('claude-3-5-haiku-latest');
    expect(text).toContain('$0.000120 / $2.00');
  });

  it('reads WFLO_DB', async () => {
    const result = await wflo(['status', '--json'], { env: { WFLO_DB: db }, cwd: tempDir() });
    expect(JSON.parse(result.stdout)).toHaveLength(2);
  });
});

describe('wflo prices', () => {
  it('shows what a model costs', async () => {
    const result = await wflo(['prices', 'gpt-4o-mini', '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', inputUsdPerMtok: 0.15, cachedInputUsdPerMtok: 0.075, outputUsdPerMtok: 0.6 });
    const text = await wflo(['prices', 'claude-3-5-haiku-latest']);
    expect(text.stdout).toContain('anthropic/claude-3-5-haiku-latest');
    expect(text.stdout).toContain('cache write   $1');
  });

  it('an unknown model says how to add a price', async () => {
    const result = await wflo(['prices', 'mystery-model-9']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('"prices": { "mystery-model-9"');
  });
});
