import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, tempDir, wflo } from './helpers/wflo.js';

function dirWith(file: string, config: unknown): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, file), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

describe('the config file', () => {
  it('an invalid file is refused with every error listed by path, exit 2, nothing run', async () => {
    const dir = dirWith('wflo.config.json', {
      retry: { maxAttempts: 0, maxAtempts: 3 }, onLoop: 'panic', agents: { writer: { budget: 0 }, critic: { budget: '1' } },
      loop: { repeats: 2.5 }, circuit: { errorRate: 2 },
    });
    const result = await wflo(['run', '--simulate', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const file = path.join(dir, 'wflo.config.json');
    expect(result.stderr).toBe([
      `wflo: ${file} is invalid:`,
      '  agents.writer.budget: must be > 0',
      '  agents.critic.budget: must be a number',
      '  onLoop: must be one of "warn", "error", "stop"',
      '  loop.repeats: must be a whole number',
      '  circuit.errorRate: must be <= 1',
      '  retry.maxAtempts: unknown setting',
      '  retry.maxAttempts: must be >= 1',
    ].join('\n'));
    expect(fs.existsSync(path.join(dir, '.wflo'))).toBe(false);
  });

  it('loop.window below loop.repeats is refused by path', async () => {
    const dir = dirWith('wflo.config.json', { loop: { repeats: 6, window: 4 } });
    const result = await wflo(['run', '--simulate', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`wflo: ${path.join(dir, 'wflo.config.json')} is invalid:\n  loop.window: must be >= loop.repeats (6)`);
  });

  it('--config names another file; a missing one is one line, exit 2; flags override the file', async () => {
    const dir = dirWith('ci.json', { onLoop: 'error', db: 'ci.db' });
    const missing = await wflo(['run', '--simulate', '--config', 'nope.json', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('wflo: config file not found: nope.json');
    // The tool loop under the file's onLoop "error" ends in a LoopDetectedError the script catches…
    const fromFile = await wflo(['run', '--simulate', '--config', 'ci.json', path.join(FIXTURES, 'tool-loop.mjs')], { cwd: dir });
    expect(fromFile.exitCode).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ calls: 6, loop: { pattern: 'repeated-tool', repeats: 6 } });
    expect(fs.existsSync(path.join(dir, 'ci.db'))).toBe(true);
    // …and --on-loop stop on the command line wins over it.
    const fromFlag = await wflo(['run', '--simulate', '--config', 'ci.json', '--on-loop', 'stop', path.join(FIXTURES, 'tool-loop.mjs')], { cwd: dir });
    expect(fromFlag.exitCode).toBe(4);
  });

  it('a bad --agent-budget is one line, exit 2', async () => {
    const dir = tempDir();
    const noName = await wflo(['run', '--simulate', '--agent-budget', '0.5', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expect(noName.exitCode).toBe(2);
    expect(noName.stderr).toBe('wflo: --agent-budget must be name=usd (e.g. researcher=0.50), got "0.5"');
    const badAmount = await wflo(['run', '--simulate', '--agent-budget', 'writer=lots', path.join(FIXTURES, 'plain.mjs')], { cwd: dir });
    expect(badAmount.exitCode).toBe(2);
    expect(badAmount.stderr).toBe('wflo: --agent-budget writer must be a positive number of US dollars, got "lots"');
  });
});
