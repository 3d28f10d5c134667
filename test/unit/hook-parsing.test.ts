import { describe, expect, it } from 'vitest';
import { detectTarget, isUnmeteredBillable } from '../../src/hook/detect.js';
import { MessagesStreamTracker } from '../../src/hook/providers/anthropic.js';
import { ChatStreamTracker, parseOpenAiRequest } from '../../src/hook/providers/openai.js';
import { inputTokensBound, storedRefs, unboundedReason } from '../../src/hook/providers/types.js';
import { parseSseEvent, SseSplitter } from '../../src/hook/sse.js';
import { parseHookMessage } from '../../src/protocol/messages.js';

describe('detectTarget', () => {
  it('recognises LLM endpoints under any base URL, and nothing else', () => {
    expect(detectTarget('https://api.openai.com/v1/chat/completions', 'POST', undefined)).toEqual({ provider: 'openai', endpoint: 'chat.completions' });
    expect(detectTarget('http://127.0.0.1:8080/openai/v1/responses?x=1', 'post', undefined)).toEqual({ provider: 'openai', endpoint: 'responses' });
    expect(detectTarget('http://localhost/v1/messages', 'POST', { 'Anthropic-Version': '2023-06-01' })).toEqual({ provider: 'anthropic', endpoint: 'messages' });
    expect(detectTarget('https://api.openai.com/v1/threads/t1/messages', 'POST', {})).toBeNull();
    expect(detectTarget('https://api.openai.com/v1/chat/completions', 'GET', undefined)).toBeNull();
    expect(detectTarget('https://example.com/data', 'POST', undefined)).toBeNull();
  });

  it('reads the path fetch will send, not the URL text', () => {
    expect(detectTarget('http://gw/v1/chat/./completions', 'POST', undefined)).toEqual({ provider: 'openai', endpoint: 'chat.completions' });
    expect(detectTarget('http://gw/v1/chat/completions#x', 'POST', undefined)).toEqual({ provider: 'openai', endpoint: 'chat.completions' });
    expect(detectTarget('http://gw/v1/chat/%2e/completions/', 'POST', undefined)).toEqual({ provider: 'openai', endpoint: 'chat.completions' });
    expect(detectTarget('http://gw/v1/completions/x/..', 'POST', undefined)).toEqual({ provider: 'openai', endpoint: 'completions' });
  });

  it('refuses unpriced endpoints by path, whatever the host, and leaves an app\'s own paths alone', () => {
    expect(isUnmeteredBillable('http://gateway.internal/v1/images/generations', 'POST')).toBe(true);
    expect(isUnmeteredBillable('https://x.openai.azure.com/openai/deployments/d/audio/speech', 'POST')).toBe(true);
    expect(isUnmeteredBillable('https://api.anthropic.com/v1/messages/batches', 'POST')).toBe(true);
    expect(isUnmeteredBillable('https://myapp.example/api/batches', 'POST')).toBe(false);
    expect(isUnmeteredBillable('http://gateway.internal/v1/images/generations', 'GET')).toBe(false);
  });
});

describe('OpenAI requests', () => {
  it('asks for stream usage the caller did not, and reads the ceiling from max tokens × n', () => {
    const body = { model: 'gpt-4o-mini', stream: true, max_completion_tokens: 30, n: 2, messages: [] };
    const request = parseOpenAiRequest('chat.completions', JSON.stringify(body), body);
    expect(request).toMatchObject({ usageInjected: true, outputTokensMax: 60 });
    expect(JSON.parse(request.body)).toMatchObject({ stream_options: { include_usage: true } });
  });

  it('hides the usage it asked for: null usage keys removed, the usage-only chunk dropped', () => {
    const tracker = new ChatStreamTracker(true);
    expect(tracker.onEvent('{"id":"1","choices":[{"delta":{"content":"hi"}}],"usage":null}')).toBe('{"id":"1","choices":[{"delta":{"content":"hi"}}]}');
    expect(tracker.onEvent('{"id":"1","model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":1}}}')).toBeNull();
    expect(tracker.result().usage).toEqual({ inputTokens: 5, cachedInputTokens: 1, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 });
  });
});

describe('Anthropic streams', () => {
  it('takes input from message_start and the last cumulative output_tokens', () => {
    const tracker = new MessagesStreamTracker();
    tracker.onEvent('{"type":"message_start","message":{"model":"claude","usage":{"input_tokens":10,"cache_read_input_tokens":4,"cache_creation_input_tokens":2,"output_tokens":1}}}', 'message_start');
    tracker.onEvent('{"type":"message_delta","usage":{"output_tokens":7}}', 'message_delta');
    tracker.onEvent('{"type":"message_delta","usage":{"output_tokens":9}}', 'message_delta');
    expect(tracker.result().usage).toEqual({ inputTokens: 16, cachedInputTokens: 4, cacheWriteTokens: 2, outputTokens: 9, reasoningTokens: 0 });
  });
});

describe('SSE', () => {
  it('splits events however the chunks fall', () => {
    const splitter = new SseSplitter();
    expect(splitter.push('event: a\ndata: {"x"')).toEqual([]);
    expect(splitter.push(':1}\r\n\r\ndata: two\n\nda')).toEqual(['event: a\ndata: {"x":1}', 'data: two']);
    expect(splitter.rest()).toEqual(['da']);
    expect(parseSseEvent('event: a\ndata: {"x":1}')).toEqual({ event: 'a', data: '{"x":1}' });
  });
});

describe('input bound and protocol', () => {
  it('bounds input tokens by bytes, plus a ceiling per image', () => {
    expect(inputTokensBound('héllo', false, 'gpt-4o')).toBe(6);
    expect(inputTokensBound('{"type":"image_url"}', false, 'gpt-4o')).toBe(20 + 6000);
    expect(inputTokensBound('{"type": "image"}', true, 'claude-sonnet-4')).toBe(17 + 6000 + 2000);
    // gpt-4o-mini bills an image as up to 2,833 + 5,667 × 8 tokens.
    expect(inputTokensBound('{"type":"image_url"}', false, 'gpt-4o-mini-2024-07-18')).toBe(20 + 48_169);
  });

  it('rejects malformed hook messages', () => {
    expect(parseHookMessage('{"type":"reserve","rid":1}')).toBeUndefined();
    expect(parseHookMessage('not json')).toBeUndefined();
    expect(parseHookMessage('{"type":"settle","callId":1,"outcome":"ok","usage":null,"httpStatus":200,"latencyMs":1,"model":null,"error":null,"journal":null}'))
      .toBeUndefined(); // no context: a hook of another protocol version
    expect(parseHookMessage('{"type":"settle","callId":1,"outcome":"ok","usage":null,"httpStatus":200,"latencyMs":1,"model":null,"error":null,"journal":null,"context":["resp_1"],"errorCode":null,"toolCalls":[]}'))
      .toMatchObject({ type: 'settle', callId: 1, context: ['resp_1'] });
  });
});

describe('unboundedReason', () => {
  const fn = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { file_id: { type: 'string' } } } } };
  it('lets ordinary requests through, even when they mention file ids or define client tools', () => {
    expect(unboundedReason({ model: 'm', messages: [{ role: 'user', content: 'what is "file_id": 3?' }], tools: [fn] })).toBeNull();
    expect(unboundedReason({ model: 'm', messages: [], tools: [{ name: 'calc', input_schema: {} }, { type: 'memory_20250818', name: 'memory' }] })).toBeNull();
    expect(unboundedReason({ model: 'm', input: 'hi', tools: [{ type: 'local_shell' }, { type: 'apply_patch' }] })).toBeNull();
    expect(unboundedReason({ model: 'm', prompt: 'legacy completion text' })).toBeNull();
  });

  it('names what makes a request unbounded', () => {
    // Stored responses by id are bounded by the supervisor from what the run saw (storedRefs); other forms are not.
    expect(unboundedReason({ model: 'm', input: 'x', previous_response_id: 'resp_1' })).toBeNull();
    expect(storedRefs({ model: 'm', previous_response_id: 'resp_1', input: [{ type: 'item_reference', id: 'msg_1' }, { role: 'user', content: 'hi' }] }))
      .toEqual(['resp_1', 'msg_1']);
    expect(unboundedReason({ model: 'm', input: 'x', previous_response_id: { id: 'resp_1' } })).toContain('previous_response_id');
    expect(unboundedReason({ model: 'm', input: 'x', conversation: 'conv_1' })).toContain('conversation');
    expect(unboundedReason({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] })).toContain('input_file');
    expect(unboundedReason({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] })).toBeNull();
    expect(unboundedReason({ model: 'm', input: [{ type: 'item_reference' }] })).toContain('item_reference');
    expect(unboundedReason({ model: 'm', messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://x/a.pdf' } }] }] })).toContain('document');
    expect(unboundedReason({ model: 'm', input: 'x', tools: [{ type: 'web_search' }] })).toContain('web_search');
    expect(unboundedReason({ model: 'm', messages: [], web_search_options: {} })).toContain('web search');
  });
});

describe('output limits set twice, and compaction', () => {
  it('a chat request with both max_tokens and max_completion_tokens is bounded by the larger, and cut in both', async () => {
    const { parseOpenAiRequest } = await import('../../src/hook/providers/openai.js');
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 900, max_completion_tokens: 100 };
    const request = parseOpenAiRequest('chat.completions', JSON.stringify(body), body);
    expect(request.outputTokensMax).toBe(900);
    expect(JSON.parse(request.capped!(50))).toMatchObject({ max_tokens: 50, max_completion_tokens: 50 });
  });

  it('POST /v1/responses/compact is billable and not metered: refused under a budget', async () => {
    const { isUnmeteredBillable, detectTarget } = await import('../../src/hook/detect.js');
    expect(detectTarget('https://api.openai.com/v1/responses/compact', 'POST', undefined)).toBeNull();
    expect(isUnmeteredBillable('https://api.openai.com/v1/responses/compact', 'POST')).toBe(true);
    expect(isUnmeteredBillable('https://api.openai.com/v1/responses/resp_1/cancel', 'POST')).toBe(false);
  });
});

describe('priority processing', () => {
  it('is refused under a budget: it is billed above the prices wflo knows', async () => {
    const { unboundedReason } = await import('../../src/hook/providers/types.js');
    expect(unboundedReason({ model: 'gpt-4o', service_tier: 'priority' })).toBe('it asks for priority processing ("service_tier": "priority"), billed at higher rates wflo does not price');
    expect(unboundedReason({ model: 'gpt-4o', service_tier: 'flex' })).toBeNull();
  });
});
