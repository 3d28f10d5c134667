import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintRequest, fingerprintToolCall } from '../../src/guards/fingerprint.js';
import { LoopDetector, type Observation } from '../../src/guards/loop-detector.js';

const tool = (key: string, agent: string | null = 'researcher'): Observation => ({ agent, kind: 'tool', key });
const request = (key: string, agent: string | null = 'researcher'): Observation => ({ agent, kind: 'request', key });

describe('fingerprints', () => {
  it('normalise tool arguments: key order, whitespace and JSON-in-a-string do not count', () => {
    expect(fingerprintToolCall('search', '{"q": "solar",  "n":3}')).toBe(fingerprintToolCall('search', { n: 3, q: 'solar' }));
    expect(fingerprintToolCall('search', { q: 'solar', n: 3 })).not.toBe(fingerprintToolCall('search', { q: 'solar', n: 4 }));
    expect(fingerprintToolCall('search', { q: 'solar' })).not.toBe(fingerprintToolCall('fetch', { q: 'solar' }));
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null, u: undefined })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('requests: delivery options do not count, what is asked does', () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
    expect(fingerprintRequest('openai', 'chat.completions', { ...body, stream: true, stream_options: { include_usage: true }, user: 'u1' }))
      .toBe(fingerprintRequest('openai', 'chat.completions', body));
    expect(fingerprintRequest('openai', 'chat.completions', { ...body, temperature: 0.2 })).not.toBe(fingerprintRequest('openai', 'chat.completions', body));
  });
});

describe('LoopDetector', () => {
  it('the same tool call 5 times within 20 calls is a loop, on the 5th', () => {
    const detector = new LoopDetector();
    const seen = ['x', 'a', 'x', 'b', 'x', 'c', 'x'].map((k) => detector.record(tool(k)));
    expect(seen.every((loop) => loop === null)).toBe(true);
    // The 5th x would complete the loop: asked before it is sent, nothing is recorded.
    expect(detector.wouldLoop(tool('x'))).toEqual({ pattern: 'repeated-tool', repeats: 5, agent: 'researcher', keys: ['x'] });
    expect(detector.wouldLoop(tool('x'))).not.toBeNull();
    expect(detector.record(tool('x'))).toEqual({ pattern: 'repeated-tool', repeats: 5, agent: 'researcher', keys: ['x'] });
  });

  it('repeats that slide out of the window no longer count', () => {
    const detector = new LoopDetector({ repeats: 3, window: 5 });
    for (const k of ['x', 'x', 'a', 'b', 'c', 'd']) detector.record(request(k));
    // Both x have slid out: a new x is the first in the window.
    expect(detector.record(request('x'))).toBeNull();
    expect(detector.record(request('x'))).toBeNull();
    expect(detector.record(request('x'))).toEqual({ pattern: 'repeated-request', repeats: 3, agent: 'researcher', keys: ['x'] });
  });

  it('A→B→A→B oscillation, and A→B→C cycles, are named as such', () => {
    const two = new LoopDetector();
    const results = ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A'].map((k) => two.record(tool(k)));
    expect(results.slice(0, 8).every((loop) => loop === null)).toBe(true);
    expect(results[8]).toEqual({ pattern: 'oscillation', repeats: 5, agent: 'researcher', keys: ['B', 'A'] });
    const three = new LoopDetector({ repeats: 3, window: 20 });
    const cyc = ['A', 'B', 'C', 'A', 'B', 'C', 'A'].map((k) => three.record(tool(k)));
    expect(cyc.at(-1)).toEqual({ pattern: 'oscillation', repeats: 3, agent: 'researcher', keys: ['B', 'C', 'A'] });
  });

  it('an oscillation broken by a different call starts over; the repeats still count', () => {
    const detector = new LoopDetector({ repeats: 4, window: 20 });
    for (const k of ['A', 'B', 'A', 'Z', 'B', 'A', 'B']) expect(detector.record(tool(k))).toBeNull();
    // B·A·B·A after Z is two cycles, fewer than 4; but A has now come 4 times in the window.
    expect(detector.record(tool('A'))).toEqual({ pattern: 'repeated-tool', repeats: 4, agent: 'researcher', keys: ['A'] });
  });

  it('agents are watched apart, and tools and requests with the same key are different calls', () => {
    const detector = new LoopDetector({ repeats: 2, window: 20 });
    expect(detector.record(tool('x', 'a'))).toBeNull();
    expect(detector.record(tool('x', 'b'))).toBeNull();
    expect(detector.record(request('x', 'a'))).toBeNull();
    expect(detector.record(tool('x', 'a'))).toEqual({ pattern: 'repeated-tool', repeats: 2, agent: 'a', keys: ['x'] });
  });
});
