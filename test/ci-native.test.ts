import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, ROOT, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

const validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'wflo.report.schema.json'), 'utf8')) as object);

function report(file: string): unknown {
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
  return value;
}

describe('CI: reports, annotations, step summary', () => {
  it('reports of a run with agents, a loop stop and a budget stop all validate against wflo.report.schema.json', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const dir = tempDir();
    const runs: Array<[string, string[]]> = [
      ['agents-budgets.mjs', ['--agent-budget', 'researcher=0.0001', '--no-fit', '--', '4']],
      ['tool-loop.mjs', []],
      ['loop-calls.mjs', ['--budget', '0.00005', '--', '10']],
    ];
    const statuses: string[] = [];
    for (const [i, [fixture, args]] of runs.entries()) {
      const file = path.join(dir, `report-${i}.json`);
      const flags = args.includes('--') ? [...args.slice(0, args.indexOf('--')), '--report', file, ...args.slice(args.indexOf('--'))] : [...args, '--report', file];
      await wflo(['run', path.join(FIXTURES, fixture), '--db', path.join(dir, 'w.db'), ...flags], { env: providerEnv(provider) });
      statuses.push((report(file) as { status: string }).status);
    }
    expect(statuses).toEqual(['completed', 'loop_detected', 'budget_exceeded']);
  });

  it('GITHUB_ACTIONS=true: one ::error:: line for a loop stop and for a budget stop, ::warning:: for fitted calls, each naming the run', async () => {
    provider = await startFakeProvider();
    const dir = tempDir();
    const db = path.join(dir, 'w.db');
    const loop = await wflo(['run', path.join(FIXTURES, 'tool-loop.mjs'), '--db', db], { env: { ...providerEnv(provider), GITHUB_ACTIONS: 'true' } });
    const loopRun = readDb(db).runs.at(-1)!.id;
    expect(loop.exitCode).toBe(4);
    expect(loop.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      `::error title=wflo: stopped a loop::wflo run ${loopRun}: loop detected: agent "researcher" asked for the same tool call with the same arguments ("search") 6 times, after a warning`,
    ]);
    const budget = await wflo(['run', '--simulate', path.join(ROOT, 'examples', 'research-agent.ts'), '--budget', '0.002', '--db', db], { env: { GITHUB_ACTIONS: 'true' } });
    const budgetRun = readDb(db).runs.at(-1)!.id;
    expect(budget.exitCode).toBe(3);
    const lines = budget.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^::error title=wflo: stopped at the budget::wflo run ${budgetRun}: budget exceeded: `));
    expect(lines[1]).toBe(`::warning title=wflo: calls fitted to the budget::wflo run ${budgetRun}: 1 call sent with a lower output limit to fit the budget`);
  });

  it('GITHUB_ACTIONS=true: an unpriced model and an open circuit are warnings', async () => {
    provider = await startFakeProvider({ failWith: (_seq, body) => (body.model === 'gpt-4o-mini' ? { status: 500 } : undefined) });
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'wflo.config.json'), JSON.stringify({ retry: { maxAttempts: 1 }, circuit: { consecutiveFailures: 2 } }));
    const failing = await wflo(['run', path.join(FIXTURES, 'failing-calls.mjs'), '--db', 'w.db', '--', '3'], { cwd: dir, env: { ...providerEnv(provider), GITHUB_ACTIONS: 'true' } });
    const run1 = readDb(path.join(dir, 'w.db')).runs.at(-1)!.id;
    expect(failing.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([`::warning title=wflo: circuit open::wflo run ${run1}: circuit openai:gpt-4o-mini is open (wflo circuits)`]);
    const unpriced = await wflo(['run', path.join(FIXTURES, 'loop-calls.mjs'), '--db', 'w.db', '--', '1', 'my-finetune'], { cwd: dir, env: { ...providerEnv(provider), GITHUB_ACTIONS: 'true' } });
    const run2 = readDb(path.join(dir, 'w.db')).runs.at(-1)!.id;
    expect(unpriced.stdout.split('\n').filter((l) => l.startsWith('::warning title=wflo: unpriced'))).toEqual([
      `::warning title=wflo: unpriced model::wflo run ${run2}: no price for openai/my-finetune; its calls are not in the spend (add it under prices in wflo.config.json)`,
    ]);
  });

  it('the step summary shows spend by agent and the refusals', async () => {
    provider = await startFakeProvider({ usage: { inputTokens: 10, outputTokens: 20 } });
    const dir = tempDir();
    const summary = path.join(dir, 'summary.md');
    await wflo(['run', path.join(FIXTURES, 'agents-budgets.mjs'), '--agent-budget', 'researcher=0.0001', '--no-fit', '--db', path.join(dir, 'w.db'), '--', '8'],
      { env: { ...providerEnv(provider), GITHUB_STEP_SUMMARY: summary } });
    const text = fs.readFileSync(summary, 'utf8');
    expect(text).toContain('| agent | calls | cost | budget |');
    expect(text).toMatch(/\| researcher \| \d \| \$0\.0000\d+ \| \$0\.000100 \|/);
    expect(text).toMatch(/\| writer \| 8 \| \$0\.000108 \| — \|/);
    expect(text).toMatch(/· \d refused ·/);
  });
});
