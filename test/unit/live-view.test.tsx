import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/supervisor/events.js';
import { foldEvent, initialLiveState, type LiveState } from '../../src/ui/live-state.js';
import { LiveView } from '../../src/ui/live-view.js';

const settled = (seq: number, agent: string | null, costNano: number, spentNano: number): RunEvent => ({
  type: 'call-settled', seq, pid: 1, provider: 'openai', model: 'gpt-4o-mini', endpoint: 'chat.completions', stream: false, status: 'ok',
  usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 }, costNano, latencyMs: 5, spentNano,
  error: null, outputCap: null, agent,
});

describe('the live view', () => {
  it('draws the run, the spend bar against the budget, calls per model and spend by agent', () => {
    let state: LiveState = { ...initialLiveState, info: { runId: 'run-1234abcd', script: 'agent.ts', budgetNano: 1_000_000, onBudget: 'stop', simulated: false, dbPath: 'w.db' } };
    for (const event of [settled(1, 'researcher', 250_000, 250_000), settled(2, 'writer', 250_000, 500_000)]) state = foldEvent(state, event);
    const { lastFrame, unmount } = render(<LiveView state={state} />);
    const frame = lastFrame() ?? '';
    unmount();
    expect(frame).toContain('wflo run-1234abcd agent.ts');
    expect(frame).toContain(`${'█'.repeat(15)}${'░'.repeat(15)} $0.000500 of $0.001000 (50%)`);
    expect(frame).toContain('2 calls · 0 processes');
    expect(frame).toMatch(/gpt-4o-mini\s+2 calls {2}\$0\.000500/);
    expect(frame).toMatch(/agent researcher\s+1 calls {2}\$0\.000250/);
    expect(frame).toMatch(/agent writer\s+1 calls {2}\$0\.000250/);
  });
});
