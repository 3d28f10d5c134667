import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { ResponseContext } from '../../src/supervisor/response-context.js';
import type { Usage } from '../../src/protocol/messages.js';

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true }); });

function storeWithRun(): { store: RunStore; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-context-'));
  dirs.push(dir);
  const file = path.join(dir, 'wflo.db');
  const store = new RunStore(openDatabase(file, { create: true }));
  store.createRun({ id: 'run-1', script: 'a.mjs', args: [], cwd: dir, status: 'running', budgetNano: null, spentNano: 0, onBudget: 'stop', simulated: false, supervisorPid: 1, startedAt: 0, journal: true, agentBudgets: {} });
  return { store, file };
}

const usage = (input: number, output: number): Usage => ({ inputTokens: input, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: 0 });

describe('ResponseContext (stored responses a later request refers to)', () => {
  it('knows every response of the run, the old ones from the store: 1,500 responses, the first still priced exactly', () => {
    const { store } = storeWithRun();
    const context = new ResponseContext(store, 'run-1');
    for (let i = 0; i < 1500; i++) context.remember([`resp_${i}`, `msg_${i}`], usage(100 + i, 10));
    // resp_0 (110 tokens: input + output) and msg_0 (10: output only) left memory long ago.
    expect(context.tokensFor(['resp_0', 'msg_0'])).toBe(120);
    expect(context.tokensFor(['resp_1499'])).toBe(1609);
    expect(context.tokensFor(['resp_3', 'resp_unknown'])).toBe('resp_unknown');
    expect(context.tokensFor([])).toBe(0);
  });

  it('a resumed run (a new supervisor) still knows what the run saw before', () => {
    const { store } = storeWithRun();
    new ResponseContext(store, 'run-1').remember(['resp_a', 'msg_a'], usage(40, 2));
    const later = new ResponseContext(store, 'run-1');
    expect(later.tokensFor(['resp_a'])).toBe(42);
    expect(new ResponseContext(store, 'run-other').tokensFor(['resp_a'])).toBe('resp_a');
  });
});
