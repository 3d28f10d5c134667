import { describe, expect, it } from 'vitest';
import { parseOpenAiRequest } from '../../src/hook/providers/openai.js';
import { tapResponse, type CallOutcome } from '../../src/hook/response-tap.js';

// A fast stream arrives whole in one network read: the caller gets its first event before wflo
// has looked at the rest, and the usage is read exactly however the caller stops.

/** A chat stream request without stream_options: wflo asks for the usage itself and hides it. */
const body = { model: 'gpt-4o-mini', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] };
const request = parseOpenAiRequest('chat.completions', JSON.stringify(body), body);

const chunk = (i: number): string => `data: {"id":"c","choices":[{"index":0,"delta":{"content":"w${i} "}}],"usage":null}\n\n`;
const WHOLE = `${Array.from({ length: 50 }, (_, i) => chunk(i)).join('')}`
  + 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":50,"total_tokens":60}}\n\ndata: [DONE]\n\n';

/** The provider's response: the whole stream in one read. */
function provider(): Response {
  const bytes = new TextEncoder().encode(WHOLE);
  return new Response(new ReadableStream({ start(c) { c.enqueue(bytes); c.close(); } }), { headers: { 'content-type': 'text/event-stream' } });
}

async function tapped(): Promise<{ response: Response; outcomes: CallOutcome[] }> {
  const outcomes: CallOutcome[] = [];
  const response = await tapResponse(request, provider(), true, (o) => outcomes.push(o));
  return { response, outcomes };
}

const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

describe('stream tap', () => {
  it('hands on the first event of a read at once, then the rest; hides the usage wflo asked for; settles exact usage once', async () => {
    expect(request.usageInjected).toBe(true);
    const { response, outcomes } = await tapped();
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(text(first.value)).toBe('data: {"id":"c","choices":[{"index":0,"delta":{"content":"w0 "}}]}\n\n');
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += text(next.value);
    const expected = Array.from({ length: 49 }, (_, i) => chunk(i + 1).replace(',"usage":null', '')).join('') + 'data: [DONE]\n\n';
    expect(rest).toBe(expected);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ outcome: 'ok', error: null, usage: { inputTokens: 10, outputTokens: 50 } });
    // The journal keeps what the caller received, exactly.
    expect(outcomes[0]!.delivered!.toString()).toBe(text(first.value) + rest);
  });

  it('a caller that stops after the first event: the events read but not handed on still count, the usage is exact', async () => {
    const { response, outcomes } = await tapped();
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ outcome: 'ok', usage: { inputTokens: 10, outputTokens: 50 } });
  });
});
