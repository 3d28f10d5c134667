import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions, type FakeRequestInfo } from '../src/simulator/server.js';

const PROMPT = 'Explain how photosynthesis turns sunlight into sugar.';

function clients(p: FakeProvider) {
  return {
    openai: new OpenAI({ apiKey: 'test', baseURL: p.openaiBaseUrl, maxRetries: 0 }),
    anthropic: new Anthropic({ apiKey: 'test', baseURL: p.anthropicBaseUrl, maxRetries: 0 }),
  };
}

async function withProvider(options: FakeProviderOptions, fn: (p: FakeProvider) => Promise<void>): Promise<void> {
  const p = await startFakeProvider(options);
  try {
    await fn(p);
  } finally {
    await p.close();
  }
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: {
      type: 'object' as const,
      properties: { city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' }, note: { type: 'string' } },
      required: ['city', 'days', 'metric'],
    },
  },
};

describe('fake provider with default usage', () => {
  let p: FakeProvider;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    p = await startFakeProvider();
    ({ openai, anthropic } = clients(p));
  });
  afterAll(async () => {
    await p.close();
  });

  it('exposes base URLs for both SDKs', () => {
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.openaiBaseUrl).toBe(`${p.url}/v1`);
    expect(p.anthropicBaseUrl).toBe(p.url);
  });

  it('answers chat completions with deterministic text and usage', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: PROMPT },
    ];
    const before = p.billed.length;
    const a = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const b = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const text = a.choices[0]?.message.content ?? '';
    expect(text).toMatch(/^Simulated answer about Explain how photosynthesis/);
    expect(b.choices[0]?.message.content).toBe(text);
    const words = text.split(/\s+/).length;
    expect(words).toBeGreaterThanOrEqual(60);
    expect(words).toBeLessThanOrEqual(120);
    expect(a.object).toBe('chat.completion');
    expect(a.choices[0]?.finish_reason).toBe('stop');
    const bytes = Buffer.byteLength('You are terse.') + Buffer.byteLength(PROMPT);
    expect(a.usage?.prompt_tokens).toBe(Math.ceil(bytes / 4) + 8);
    expect(a.usage?.completion_tokens).toBe(words);
    expect(a.usage?.total_tokens).toBe(Math.ceil(bytes / 4) + 8 + words);
    expect(p.billed.slice(before)).toEqual([
      { provider: 'openai', endpoint: 'chat.completions', model: 'gpt-4o-mini', stream: false,
        usage: { inputTokens: Math.ceil(bytes / 4) + 8, outputTokens: words, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      expect.objectContaining({ endpoint: 'chat.completions' }),
    ]);
  });

  it('honours max_completion_tokens and n', async () => {
    const cut = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: PROMPT }], max_completion_tokens: 5 });
    expect(cut.choices[0]?.finish_reason).toBe('length');
    expect(cut.choices[0]?.message.content?.split(' ')).toHaveLength(5);
    expect(cut.usage?.completion_tokens).toBe(5);
    const multi = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: PROMPT }], max_tokens: 7, n: 3 });
    expect(multi.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(multi.usage?.completion_tokens).toBe(21);
  });

  it('streams chat completions without usage unless include_usage is set', async () => {
    const plain = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: PROMPT }] });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    const stream = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: PROMPT }], stream: true });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && !('usage' in c))).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(plain.choices[0]?.message.content);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(p.billed.at(-1)).toMatchObject({ stream: true, usage: plain.usage && { outputTokens: plain.usage.completion_tokens } });
  });

  it('streams chat usage in a final choice-less chunk when include_usage is set', async () => {
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    const stream = await openai.chat.completions.create({
      model: 'm', messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true },
    });
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(chunks.slice(0, -1).every((c) => c.usage === null && c.choices.length === 1)).toBe(true);
    expect(last?.choices).toEqual([]);
    const billed = p.billed.at(-1)?.usage;
    expect(last?.usage?.prompt_tokens).toBe(billed?.inputTokens);
    expect(last?.usage?.completion_tokens).toBe(billed?.outputTokens);
    const helper = await openai.chat.completions
      .stream({ model: 'm', messages: [{ role: 'user', content: PROMPT }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(helper.usage?.completion_tokens).toBe(billed?.outputTokens);
  });

  it('answers the Responses API, plain and streamed', async () => {
    const plain = await openai.responses.create({ model: 'gpt-4.1', input: PROMPT, instructions: 'Be brief.' });
    expect(plain.output_text).toMatch(/^Simulated answer/);
    expect(plain.status).toBe('completed');
    const bytes = Buffer.byteLength(PROMPT) + Buffer.byteLength('Be brief.');
    expect(plain.usage?.input_tokens).toBe(Math.ceil(bytes / 4) + 8);
    expect(plain.usage?.output_tokens).toBe(p.billed.at(-1)?.usage.outputTokens);

    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    const stream = await openai.responses.create({ model: 'gpt-4.1', input: [{ role: 'user', content: PROMPT }], stream: true });
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]?.type).toBe('response.created');
    const done = events.at(-1);
    expect(done?.type).toBe('response.completed');
    if (done?.type !== 'response.completed') throw new Error('unreachable');
    expect(done.response.usage?.output_tokens).toBe(p.billed.at(-1)?.usage.outputTokens);
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    expect(deltas.join('')).toBe(plain.output_text);

    const final = await openai.responses.stream({ model: 'gpt-4.1', input: PROMPT }).finalResponse();
    expect(final.output_text).toBe(plain.output_text);
  });

  it('ends a Responses stream cut by max_output_tokens with response.incomplete', async () => {
    const final = await openai.responses.stream({ model: 'gpt-4.1', input: PROMPT, max_output_tokens: 16 }).finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details?.reason).toBe('max_output_tokens');
    expect(final.output_text.split(' ')).toHaveLength(16);
  });

  it('answers embeddings in base64 (SDK default) and float', async () => {
    const b64 = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['hello world', 'bye'] });
    expect(b64.data.map((d) => d.embedding.length)).toEqual([8, 8]);
    const norm = Math.hypot(...(b64.data[0]?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 5);
    expect(b64.usage).toEqual({ prompt_tokens: 3 + 1, total_tokens: 4 });
    const floats = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float', dimensions: 16 });
    expect(floats.data[0]?.embedding).toHaveLength(16);
    const same = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' });
    expect(same.data[0]?.embedding).toEqual(b64.data[0]?.embedding);
    expect(p.billed.at(-1)).toMatchObject({ endpoint: 'embeddings', usage: { inputTokens: 3, outputTokens: 0 } });
  });

  it('answers Anthropic messages, plain and streamed', async () => {
    const params = { model: 'claude-sonnet-4-6', max_tokens: 512, system: 'Be kind.', messages: [{ role: 'user' as const, content: PROMPT }] };
    const plain = await anthropic.messages.create(params);
    const block = plain.content[0];
    expect(block?.type === 'text' && block.text).toMatch(/^Simulated answer/);
    expect(plain.stop_reason).toBe('end_turn');
    const bytes = Buffer.byteLength(PROMPT) + Buffer.byteLength('Be kind.');
    expect(plain.usage.input_tokens).toBe(Math.ceil(bytes / 4) + 8);
    const final = await anthropic.messages.stream(params).finalMessage();
    expect(final.content).toEqual(plain.content);
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(plain.usage.input_tokens);
    expect(p.billed.at(-1)).toMatchObject({ provider: 'anthropic', endpoint: 'messages', stream: true });
    const cut = await anthropic.messages.create({ ...params, max_tokens: 3 });
    expect(cut.stop_reason).toBe('max_tokens');
    expect(cut.usage.output_tokens).toBe(3);
  });

  it('runs an OpenAI tool-call round trip, plain and streamed', async () => {
    const user = { role: 'user' as const, content: 'What is the weather in Paris today?' };
    const first = await openai.chat.completions.create({ model: 'm', messages: [user], tools: [weatherTool] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const args: unknown = call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined;
    expect(args).toEqual({ city: 'What is the weather in', days: 1, metric: false });
    const streamed = await openai.chat.completions.stream({ model: 'm', messages: [user], tools: [weatherTool] }).finalChatCompletion();
    const sCall = streamed.choices[0]?.message.tool_calls?.[0];
    expect(sCall?.type === 'function' && JSON.parse(sCall.function.arguments)).toEqual(args);
    const reply = first.choices[0]?.message;
    if (!reply) throw new Error('no choice');
    const second = await openai.chat.completions.create({
      model: 'm',
      tools: [weatherTool],
      messages: [user, reply, { role: 'tool', tool_call_id: call?.id ?? '', content: '18C, sunny' }],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toMatch(/^Simulated answer about What is the weather/);
  });

  it('runs an Anthropic tool-use round trip, plain and streamed', async () => {
    const tools = [{ name: 'get_weather', description: 'weather', input_schema: weatherTool.function.parameters }];
    const user = { role: 'user' as const, content: 'Weather in Oslo?' };
    const first = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, tools, messages: [user] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content[0];
    if (use?.type !== 'tool_use') throw new Error(`expected tool_use, got ${use?.type}`);
    expect(use.input).toEqual({ city: 'Weather in Oslo?', days: 1, metric: false });
    const streamed = await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 256, tools, messages: [user] }).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: use.input });
    const second = await anthropic.messages.create({
      model: 'claude-haiku-4-5', max_tokens: 256, tools,
      messages: [user, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'cold' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
  });

  it('runs a Responses API function-call round trip, plain and streamed', async () => {
    const tools = [{ type: 'function' as const, name: 'get_weather', strict: false, parameters: weatherTool.function.parameters }];
    const first = await openai.responses.create({ model: 'gpt-4.1', input: 'Weather in Lima?', tools });
    const call = first.output[0];
    if (call?.type !== 'function_call') throw new Error(`expected function_call, got ${call?.type}`);
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Weather in Lima?', days: 1, metric: false });
    const streamed = await openai.responses.stream({ model: 'gpt-4.1', input: 'Weather in Lima?', tools }).finalResponse();
    expect(streamed.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: call.arguments });
    const second = await openai.responses.create({
      model: 'gpt-4.1', tools,
      input: [{ role: 'user', content: 'Weather in Lima?' }, call, { type: 'function_call_output', call_id: call.call_id, output: 'warm' }],
    });
    expect(second.output_text).toMatch(/^Simulated answer about Weather in Lima\?/);
  });

  it('answers unknown paths with 404 and bad JSON with 400, in provider shape', async () => {
    const count = p.requestCount();
    const missing = await fetch(`${p.url}/v1/nope`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'unknown_url', param: null } });
    const bad = await fetch(`${p.url}/v1/messages`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    await expect(openai.chat.completions.create({ model: 'm', messages: [] })).rejects.toMatchObject({ status: 400 });
    expect(p.requestCount()).toBe(count + 2);
  });
});

describe('fake provider with fixed usage', () => {
  const fixed = { inputTokens: 1000, outputTokens: 50, cachedTokens: 200, cacheWriteTokens: 100, reasoningTokens: 10 };

  it('reports the fixed numbers exactly on every wire format', async () => {
    await withProvider({ usage: fixed }, async (p) => {
      const { openai, anthropic } = clients(p);
      const chat = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(chat.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 });
      expect(chat.usage?.prompt_tokens_details?.cached_tokens).toBe(200);
      expect(chat.usage?.completion_tokens_details?.reasoning_tokens).toBe(10);
      expect(chat.choices[0]?.message.content).toMatch(/^Simulated answer about hi\./);
      const resp = await openai.responses.stream({ model: 'm', input: 'hi' }).finalResponse();
      expect(resp.usage).toEqual({
        input_tokens: 1000, input_tokens_details: { cached_tokens: 200 },
        output_tokens: 50, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 1050,
      });
      const msg = await anthropic.messages.stream({ model: 'c', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      expect(msg.usage).toMatchObject({ input_tokens: 700, cache_creation_input_tokens: 100, cache_read_input_tokens: 200, output_tokens: 50 });
      expect(p.billed.map((b) => b.usage)).toEqual([fixed, fixed, fixed]);
      expect(p.billed.map((b) => [b.endpoint, b.stream])).toEqual([['chat.completions', false], ['responses', true], ['messages', true]]);
    });
  });

  it('takes usage from a function of the request, defaulting what it leaves out', async () => {
    const seen: FakeRequestInfo[] = [];
    const usage = (req: FakeRequestInfo) => {
      seen.push(req);
      return { outputTokens: req.maxOutputTokens ?? 1, cachedTokens: 2 };
    };
    await withProvider({ usage }, async (p) => {
      const { openai } = clients(p);
      const chat = await openai.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], max_tokens: 9 });
      expect(chat.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 9 });
      expect(seen[0]).toMatchObject({ provider: 'openai', endpoint: 'chat.completions', model: 'gpt-x', stream: false, maxOutputTokens: 9 });
      expect(seen[0]?.body.max_tokens).toBe(9);
    });
  });
});

describe('fake provider delays and faults', () => {
  it('streams with chunk delays and latency', async () => {
    await withProvider({ latencyMs: 20, chunkDelayMs: 2 }, async (p) => {
      const { anthropic } = clients(p);
      const started = Date.now();
      const msg = await anthropic.messages.stream({ model: 'c', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      expect(Date.now() - started).toBeGreaterThanOrEqual(20);
      expect(msg.usage.output_tokens).toBe(8);
      expect(p.billed).toHaveLength(1);
    });
  });

  it('keeps billed in arrival order when a later call finishes first', async () => {
    await withProvider({ chunkDelayMs: 4 }, async (p) => {
      const { anthropic } = clients(p);
      const slow = anthropic.messages.stream({ model: 'slow', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] }).finalMessage();
      while (p.requestCount() === 0) await new Promise((r) => setTimeout(r, 2));
      await anthropic.messages.create({ model: 'fast', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] });
      expect(p.billed.map((b) => b.model)).toEqual(['fast']);
      await slow;
      expect(p.billed.map((b) => b.model)).toEqual(['slow', 'fast']);
    });
  });

  it('status-500 fails without billing and without SDK retries', async () => {
    await withProvider({ fault: 'status-500' }, async (p) => {
      const openai = new OpenAI({ apiKey: 'test', baseURL: p.openaiBaseUrl }); // default retries: the header must stop them
      const anthropic = new Anthropic({ apiKey: 'test', baseURL: p.anthropicBaseUrl });
      await expect(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
      await expect(anthropic.messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
        status: 500, error: { type: 'error', error: { type: 'api_error' } },
      });
      expect(p.requestCount()).toBe(2);
      expect(p.billed).toEqual([]);
    });
  });

  it('malformed-json breaks SDK parsing but bills the call', async () => {
    await withProvider({ fault: 'malformed-json' }, async (p) => {
      const { openai, anthropic } = clients(p);
      await expect(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 6 })).rejects.toThrow(SyntaxError);
      await expect(openai.responses.stream({ model: 'm', input: 'hi', max_output_tokens: 7 }).finalResponse()).rejects.toThrow(/JSON/);
      await expect(anthropic.messages.stream({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()).rejects.toThrow();
      expect(p.billed.map((b) => [b.endpoint, b.stream, b.usage.outputTokens])).toEqual([
        ['chat.completions', false, 6], ['responses', true, 7], ['messages', true, 5],
      ]);
    });
  });

  it('broken-stream cuts the connection but bills the full call', async () => {
    await withProvider({ fault: 'broken-stream' }, async (p) => {
      const { openai, anthropic } = clients(p);
      await expect(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 6 })).rejects.toThrow();
      const stream = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 7, stream: true });
      const got: unknown[] = [];
      await expect((async () => { for await (const chunk of stream) got.push(chunk); })()).rejects.toThrow();
      expect(got).toHaveLength(2);
      await expect(anthropic.messages.stream({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()).rejects.toThrow();
      expect(p.billed.map((b) => [b.endpoint, b.stream, b.usage.outputTokens])).toEqual([
        ['chat.completions', false, 6], ['chat.completions', true, 7], ['messages', true, 5],
      ]);
      expect(p.requestCount()).toBe(3);
    });
  });
});
