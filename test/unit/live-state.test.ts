import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/supervisor/events.js';
import { foldEvent, initialLiveState } from '../../src/ui/live-state.js';

const fold = (events: RunEvent[]) => events.reduce(foldEvent, initialLiveState);
const waiting = (seq: number, count: number): RunEvent =>
  ({ type: 'call-waiting', seq, pid: 1, model: 'gpt-4o', worstCaseNano: 2_000_000, heldNano: 5_000_000, inFlight: 3, waiting: count });
const capped = (seq: number): RunEvent => ({ type: 'call-capped', seq, pid: 1, model: 'gpt-4o', outputTokens: 900, requested: 16_384, heldNano: 9_000_000 });

describe('the live view state', () => {
  it('counts calls waiting for budget from the queue, and shows each wait', () => {
    const state = fold([waiting(4, 1), waiting(5, 2)]);
    expect(state.waiting).toBe(2);
    expect(state.recent).toEqual([
      'call #4 gpt-4o waits for budget: it could cost up to $0.002000, and $0.005000 is held for 3 calls in flight',
      'call #5 gpt-4o waits for budget: it could cost up to $0.002000, and $0.005000 is held for 3 calls in flight',
    ]);
    expect(fold([waiting(4, 1), waiting(5, 2), { type: 'queue', waiting: 0 }]).waiting).toBe(0);
  });

  it('explains fitting once and counts every fitted call', () => {
    const state = fold([capped(1), capped(2), capped(3)]);
    expect(state.capped).toBe(3);
    expect(state.recent).toEqual(['call #1 gpt-4o fitted to the budget: output limited to 900 tokens (it allowed 16384); '
      + 'later calls are fitted too while the budget is short (--no-fit refuses them instead)']);
  });
});
