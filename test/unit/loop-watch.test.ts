import { describe, expect, it } from 'vitest';
import { LoopWatch } from '../../src/supervisor/loop-watch.js';

const search = { name: 'search', args: '{"query":"wflo docs"}' };
const fetchPage = { name: 'fetch', args: '{"url":"https://x"}' };

describe('LoopWatch', () => {
  it('a repeated tool call: warned at the 5th, stopped at the 6th', () => {
    const watch = new LoopWatch('stop', { repeats: 5, window: 20 });
    const kinds = [1, 2, 3, 4, 5, 6].map(() => watch.afterResponse('a', [search]).kind);
    expect(kinds).toEqual(['none', 'none', 'none', 'none', 'warn', 'stop']);
    expect(watch.count).toBe(1);
  });

  it('error mode: the loop answers at the agent\'s next call, once; the agent then starts afresh', () => {
    const watch = new LoopWatch('error', { repeats: 3, window: 20 });
    for (let i = 0; i < 3; i++) watch.afterResponse('a', [search]);
    expect(watch.afterResponse('a', [search])).toMatchObject({ kind: 'refuse', details: { pattern: 'repeated-tool', repeats: 4, agent: 'a' } });
    // Another agent is not held to it.
    expect(watch.beforeCall('b', 'req-1').kind).toBe('none');
    expect(watch.beforeCall('a', 'req-2')).toMatchObject({ kind: 'refuse' });
    expect(watch.beforeCall('a', 'req-3').kind).toBe('none');
    expect(watch.afterResponse('a', [search]).kind).toBe('none');
  });

  it('A→B→A→B oscillation is one loop whichever call came last', () => {
    const watch = new LoopWatch('stop', { repeats: 3, window: 20 });
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) { kinds.push(watch.afterResponse(null, [search]).kind); kinds.push(watch.afterResponse(null, [fetchPage]).kind); }
    expect(kinds).toEqual(['none', 'none', 'none', 'none', 'warn', 'stop', 'stop', 'stop']);
  });

  it('the same request sent again after its answer is a loop; copies sent while one is out are not', () => {
    const watch = new LoopWatch('stop', { repeats: 3, window: 20 });
    watch.sending(null, 'same', 1);
    expect([1, 2, 3, 4].map(() => watch.beforeCall(null, 'same').kind)).toEqual(['none', 'none', 'none', 'none']);
    watch.sending(null, 'same', -1);
    expect([1, 2, 3].map(() => watch.beforeCall(null, 'same').kind)).toEqual(['none', 'none', 'warn']);
    expect(watch.beforeCall(null, 'same')).toMatchObject({ kind: 'stop', details: { pattern: 'repeated-request', repeats: 4 } });
  });

  it('warn mode only ever warns, once per loop', () => {
    const watch = new LoopWatch('warn', { repeats: 2, window: 20 });
    expect([1, 2, 3, 4].map(() => watch.afterResponse(null, [search]).kind)).toEqual(['none', 'warn', 'none', 'none']);
  });
});
