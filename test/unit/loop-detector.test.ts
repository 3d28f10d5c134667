import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintRequest, fingerprintToolCall } from '../../src/guards/fingerprint.js';
import { LoopDetector, type Observation } from '../../src/guards/loop-detector.js';

const tool = (key: string, agent: string | null = 'researcher'): Observation => ({ agent, kind: 'tool', key });
const request = (key: string, agent: string | null = 'researcher'): Observation => ({ agent, kind: 'request', key });

describe('fingerprints', () => {
  it('normalise tool arguments: key order, whitespace, number spelling and JSON-in-a-string do not count', () => {
    expect(fingerprintToolCall('search', '{"q": "solar",\n  "n":3.0}')).toBe(fingerprintToolCall('search', { n: 3, q: 'solar' }));
    expect(fingerprintToolCall('search', { q: 'solar', n: 3 })).not.toBe(fingerprintToolCall('search', { q: 'solar', n: 4 }));
    expect(fingerprintToolCall('search', { q: 'solar' })).not.toBe(fingerprintToolCall('fetch', { q: 'solar' }));
    expect(fingerprintToolCall('echo', '  not json ')).toBe(fingerprintToolCall('echo', 'not json'));
    expect(fingerprintToolCall('search', { q: 'solar' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null, u: undefined })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
    expect(canonicalJson({ at: new Date(0), n: 10n })).toBe('{"at":"1970-01-01T00:00:00.000Z","n":10}');
  });

  it('requests: delivery options do not count, what is asked does', () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', name: 'search' }] };
    const base = fingerprintRequest('openai', 'chat.completions', body);
    expect(fingerprintRequest('openai', 'chat.completions', { ...body, stream: true, stream_options: { include_usage: true }, user: 'u1', metadata: { run: 7 } })).toBe(base);
    expect(fingerprintRequest('openai', 'chat.completions', { tools: body.tools, messages: body.messages, model: 'gpt-4o' })).toBe(base);
    expect(fingerprintRequest('openai', 'chat.completions', { ...body, model: 'gpt-4o-mini' })).not.toBe(base);
    expect(fingerprintRequest('openai', 'chat.completions', { ...body, tools: [] })).not.toBe(base);
    expect(fingerprintRequest('openai', 'chat.completions', { ...body, temperature: 0.2 })).not.toBe(base);
    expect(fingerprintRequest('openai', 'responses', body)).not.toBe(base);
    expect(fingerprintRequest('openai', 'responses', 'raw text')).toBe(fingerprintRequest('openai', 'responses', 'raw text'));
  });
});

describe('LoopDetector', () => {
  it('the same tool call a 5th time within 20 calls is a loop; the 4th is not', () => {
    const detector = new LoopDetector();
    const seen = ['x', 'a', 'x', 'b', 'x', 'c', 'x'].map((k) => detector.record(tool(k)));
    expect(seen).toEqual([null, null, null, null, null, null, null]);
    const loop = { pattern: 'repeated-tool', repeats: 5, agent: 'researcher', keys: ['x'] };
    // Asked before the 5th x is sent: it would complete the loop, and asking records nothing.
    expect(detector.wouldLoop(tool('x'))).toEqual(loop);
    expect(detector.wouldLoop(tool('x'))).toEqual(loop);
    expect(detector.record(tool('x'))).toEqual(loop);
    expect(detector.record(tool('x'))).toEqual({ ...loop, repeats: 6 });
  });

  it('repeats that slide out of the window no longer count', () => {
    const detector = new LoopDetector({ repeats: 3, window: 5 });
    for (const k of ['x', 'x', 'a', 'b', 'c', 'd']) detector.record(request(k));
    // Window now x·a·b·c·d: one x is left in it.
    expect(detector.wouldLoop(request('x'))).toBeNull(); // the first x slid out
    expect(detector.record(request('x'))).toBeNull(); // a·b·c·d·x: the second slid out too
    expect(detector.record(request('x'))).toBeNull();
    expect(detector.record(request('x'))).toEqual({ pattern: 'repeated-request', repeats: 3, agent: 'researcher', keys: ['x'] });
  });

  it('A→B→A→B oscillation is named as such, on the 5th round of the latest call', () => {
    const detector = new LoopDetector();
    const results = ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B'].map((k) => detector.record(tool(k)));
    expect(results).toEqual([null, null, null, null, null, null, null, null]);
    expect(detector.wouldLoop(tool('A'))).toEqual({ pattern: 'oscillation', repeats: 5, agent: 'researcher', keys: ['B', 'A'] });
    // Sending C instead breaks it: nothing comes round 5 times.
    expect(detector.wouldLoop(tool('C'))).toBeNull();
  });

  it('A→B→C cycles (period 3) are caught too', () => {
    const detector = new LoopDetector({ repeats: 3, window: 20 });
    const results = ['A', 'B', 'C', 'A', 'B', 'C', 'A'].map((k) => detector.record(tool(k)));
    expect(results.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(results[6]).toEqual({ pattern: 'oscillation', repeats: 3, agent: 'researcher', keys: ['B', 'C', 'A'] });
  });

  it('a tool oscillation is seen through the distinct requests between its calls', () => {
    const detector = new LoopDetector({ repeats: 3, window: 20 });
    let n = 0;
    const step = (k: string) => { detector.record(request(`r${n++}`)); return detector.record(tool(k)); };
    expect(['A', 'B', 'A', 'B'].map(step)).toEqual([null, null, null, null]);
    expect(step('A')).toEqual({ pattern: 'oscillation', repeats: 3, agent: 'researcher', keys: ['B', 'A'] });
  });

  it('an oscillation broken by a different call starts over; the repeats still count', () => {
    const detector = new LoopDetector({ repeats: 4, window: 20 });
    for (const k of ['A', 'B', 'A', 'Z', 'B', 'A', 'B']) expect(detector.record(tool(k))).toBeNull();
    // B·A·B·A after Z is two rounds, fewer than 4; but A has now come 4 times in the window.
    expect(detector.record(tool('A'))).toEqual({ pattern: 'repeated-tool', repeats: 4, agent: 'researcher', keys: ['A'] });
  });

  it('agents are watched apart, and a tool and a request with the same key are different calls', () => {
    const detector = new LoopDetector({ repeats: 2, window: 20 });
    expect(detector.record(tool('x', 'a'))).toBeNull();
    expect(detector.record(tool('x', 'b'))).toBeNull();
    expect(detector.record(tool('x', null))).toBeNull();
    expect(detector.record(request('x', 'a'))).toBeNull();
    expect(detector.record(tool('x', 'a'))).toEqual({ pattern: 'repeated-tool', repeats: 2, agent: 'a', keys: ['x'] });
    expect(detector.wouldLoop(tool('x', null))).toEqual({ pattern: 'repeated-tool', repeats: 2, agent: null, keys: ['x'] });
  });

  it('refuses thresholds that could never or would always see a loop', () => {
    expect(() => new LoopDetector({ repeats: 1 })).toThrow('loop repeats must be an integer of at least 2, not 1');
    expect(() => new LoopDetector({ repeats: 5, window: 4 })).toThrow('loop window must be an integer of at least repeats (5), not 4');
  });
});
