import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from './helpers/wflo.js';

const has = (tool: string): boolean => { try { execFileSync('which', [tool], { stdio: 'ignore' }); return true; } catch { return false; } };
const EXAMPLE = path.join(ROOT, 'examples', 'research-agent.ts');
const COMMAND = `env -u CI -u GITHUB_ACTIONS ${process.execPath} ${BIN} run --simulate ${EXAMPLE} --budget 0.002 --db w.db`;

describe('the live view in real terminals', () => {
  it.skipIf(!has('tmux'))('in a tmux pane: the view is drawn, then the summary line; the final screen reads right', async () => {
    const dir = tempDir();
    const socket = `wflo-test-${process.pid}`;
    const tmux = (...args: string[]) => execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], { reject: false });
    await tmux('new-session', '-d', '-x', '100', '-y', '40', '-c', dir, `${COMMAND}; echo "EXIT=$?"; sleep 60`);
    let screen = '';
    try {
      for (let i = 0; i < 300 && !screen.includes('EXIT='); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = String((await tmux('capture-pane', '-p', '-J')).stdout);
      }
    } finally {
      await tmux('kill-server');
    }
    expect(screen).toContain('EXIT=3');
    const lines = screen.split('\n');
    // The box's corners and the spend bar made it to the screen, at full width.
    expect(lines.some((l) => l.startsWith('╭') && l.trimEnd().endsWith('╮'))).toBe(true);
    expect(screen).toMatch(/█+░*\s+\$0\.00\d+ of \$0\.002000 \(\d+%\)/);
    expect(screen).toMatch(/wflo: run-[0-9a-f]{8} budget_exceeded {2}spent \$0\.00\d+ of \$0\.002000/);
  });

  it.skipIf(!has('script'))('a terminal that reports 0 columns: the view falls back to 80, not one character per line', async () => {
    const dir = tempDir();
    const result = await execa('script', ['-qec', `stty cols 0 rows 30; ${COMMAND}`, '/dev/null'], { cwd: dir, reject: false, timeout: 60_000 });
    const output = stripVTControlCharacters(String(result.stdout));
    expect(output).toMatch(/wflo: run-[0-9a-f]{8} budget_exceeded/);
    // A view laid out to 0 columns draws one character per line: the run id would never be whole.
    expect(output).toMatch(/wflo run-[0-9a-f]{8}/);
    expect(output).toContain('╭');
  });
});
