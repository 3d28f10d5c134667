import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { countTokens as count200k, encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as count100k, encodeChat as encodeChat100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { cl100k_base as gptTokenizerCl100k } from 'gpt-tokenizer/modelsMap';
import { describe, expect, it } from 'vitest';
import { tallyOpenAiInput } from '../../src/hook/token-tally.js';
import { encodingOf, hasKnownEncoding } from '../../src/hook/token-encoding.js';
import { loadTokenBound } from '../../src/hook/lazy-token-bound.js';
import { IMAGE_TOKENS_MAX, inputTokensBound } from '../../src/hook/providers/types.js';
import { renderTools, type FunctionDef } from './tool-namespace.js';

const AS_TEXT = { disallowedSpecial: new Set<string>() };
const o200k = (text: string): number => count200k(text, AS_TEXT);
const cl100k = (text: string): number => count100k(text, AS_TEXT);
type Role = 'system' | 'user' | 'assistant' | 'tool';
type Message = { role: Role; content: string; name?: string };
type Body = Record<string, unknown>;

/** The reference: gpt-tokenizer's rendering of the chat with OpenAI's framing (the cookbook's count of prompt_tokens). */
const reference = (messages: Message[]): number => encodeChat(messages, 'gpt-4o').length;
const chat = (messages: unknown[], extra: Body = {}): number | null =>
  tallyOpenAiInput('chat.completions', { model: 'gpt-4o', messages, ...extra }, o200k);
/** The tightness every corpus entry must meet, so the bound stays useful. */
const tight = (ref: number): number => 1.25 * ref + 50;

const para = (i: number): string => `Turn ${i}: ${'the quick brown fox jumps over the lazy dog. '.repeat(i % 7 + 1)}`;
const toolResult = JSON.stringify({ results: Array.from({ length: 40 }, (_, i) => ({ id: `doc_${i}`, score: i / 41, tags: ['a', 'b'], nested: { ok: true, url: `https://example.org/p/${i}` } })) });
const corpus: Record<string, Message[]> = {
  english: [{ role: 'system', content: 'You are a careful research assistant.' }, { role: 'user', content: 'Summarise what is known about grid-scale battery storage in three short paragraphs, citing trade-offs.' }],
  multiTurn: Array.from({ length: 60 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: para(i) }) as Message),
  chinese: [{ role: 'user', content: '请用三段话总结电网规模电池储能的现状，并说明其成本、寿命与安全方面的权衡。太阳能和风能的间歇性使储能变得至关重要。' }],
  japanese: [{ role: 'user', content: '系統用蓄電池の現状を三段落で要約し、コスト、寿命、安全性のトレードオフを説明してください。' }],
  arabic: [{ role: 'user', content: 'لخص في ثلاث فقرات ما هو معروف عن تخزين البطاريات على نطاق الشبكة، مع ذكر المفاضلات.' }],
  emoji: [{ role: 'user', content: '🔋⚡️🌞🌬️ '.repeat(40) + 'which of these matters most? 🤔👩🏽‍🔬' }],
  code: [{ role: 'user', content: 'Fix this:\n```ts\nexport function f(xs: number[]): number {\n\treturn xs.reduce((a, b) => a + b, 0) / xs.length;\n}\n```\n' }],
  jsonToolResult: [{ role: 'user', content: 'Rank these.' }, { role: 'tool', content: toolResult }],
  named: [{ role: 'system', content: 'Referee.', name: 'rules' }, { role: 'user', content: 'Is this offside?', name: 'alice_42' }],
};

describe('openAiInputTokensBound: above real tokenizer output, and tight', () => {
  for (const [name, messages] of Object.entries(corpus)) {
    it(`${name}: reference ≤ bound ≤ 1.25 × reference + 50`, () => {
      const ref = reference(messages);
      const bound = chat(messages)!;
      expect(bound).toBeGreaterThanOrEqual(ref);
      expect(bound).toBeLessThanOrEqual(tight(ref));
    });
  }

  it('cl100k models: the same corpus against gpt-4\'s rendering', () => {
    for (const messages of Object.values(corpus)) {
      const ref = encodeChat100k(messages, 'gpt-4').length;
      const bound = tallyOpenAiInput('chat.completions', { model: 'gpt-4', messages }, cl100k)!;
      expect(bound).toBeGreaterThanOrEqual(ref);
      expect(bound).toBeLessThanOrEqual(tight(ref));
    }
  });

  it('is far below the byte bound where text is dense in bytes', () => {
    for (const name of ['chinese', 'japanese', 'arabic', 'emoji'] as const) {
      const messages = corpus[name]!;
      expect(chat(messages)!).toBeLessThan(inputTokensBound(JSON.stringify({ model: 'gpt-4o', messages }), false, 'gpt-4o') / 2);
    }
  });

  it('exact figures for small fixed requests (a change of framing fails here)', () => {
    // "Hello" is 1 token: 4 per message + (1 + 1) role + (1 + 1) content + 3 priming = 11; the API bills 8.
    expect(reference([{ role: 'user', content: 'Hello' }])).toBe(8);
    expect(chat([{ role: 'user', content: 'Hello' }])).toBe(11);
    // Content parts: each text part + 1, an image is the byte bound's allowance.
    expect(chat([{ role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] }]))
      .toBe(4 + 2 + 2 + IMAGE_TOKENS_MAX + 3);
    // One tool, parallel calls off: 32 fixed + 16 per tool + JSON + 1, no enum or newline.
    const tools = [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }];
    expect(chat([{ role: 'user', content: 'Hello' }], { tools, parallel_tool_calls: false })).toBe(11 + 32 + 16 + o200k(JSON.stringify(tools)) + 1);
    // ...and with them on (the default), the multi_tool_use wrapper's 224.
    expect(chat([{ role: 'user', content: 'Hello' }], { tools })).toBe(11 + 32 + 16 + o200k(JSON.stringify(tools)) + 1 + 224);
    expect(tallyOpenAiInput('embeddings', { model: 'text-embedding-3-small', input: ['solar', 'wind'] }, cl100k)).toBe(2 + 1 + 1 + 1);
    expect(tallyOpenAiInput('embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]] }, cl100k)).toBe(5);
    expect(tallyOpenAiInput('embeddings', { model: 'text-embedding-3-small', input: [1, 2, 3] }, cl100k)).toBe(3);
  });

  it('text that spells a special token is counted as the API counts it: as text', () => {
    const text = 'What does <|endoftext|> mean in a prompt? And <|im_start|>?';
    expect(chat([{ role: 'user', content: text }])).toBe(4 + 2 + o200k(text) + 1 + 3);
    expect(o200k(text)).toBeGreaterThan(count200k('What does  mean in a prompt? And ?') + 2);
  });

  it('counts unknown fields of messages and parts rather than ignoring them', () => {
    const base = chat([{ role: 'user', content: 'Hi' }])!;
    const secret = 'a long unknown field the model might be shown '.repeat(5);
    expect(chat([{ role: 'user', content: 'Hi', extra: secret }])).toBe(base + o200k(secret) + 1);
    const part = { type: 'mystery', payload: secret };
    expect(chat([{ role: 'user', content: [part] }])).toBe(base - o200k('Hi') - 1 + o200k(JSON.stringify(part)) + 1);
  });

  it('assistant tool calls and tool messages, against a rendering of the calls as text', () => {
    const args = JSON.stringify({ query: 'perovskite stability 2024', limit: 10, filters: { open_access: true } });
    const messages = [
      { role: 'user', content: 'Find papers.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc123', type: 'function', function: { name: 'search_papers', arguments: args } }] },
      { role: 'tool', tool_call_id: 'call_abc123', content: toolResult },
    ];
    const ref = reference([{ role: 'user', content: 'Find papers.' }, { role: 'assistant', content: `functions.search_papers(${args})` }, { role: 'tool', content: toolResult }]);
    const bound = chat(messages)!;
    expect(bound).toBeGreaterThanOrEqual(ref);
    expect(bound).toBeLessThanOrEqual(tight(ref));
  });
});

/** Tools whose rendering is longer than their JSON in places: long enums, multi-line descriptions, deep nesting. */
const defs: FunctionDef[] = [
  { name: 'search_papers', description: 'Search the literature.\nReturns at most `limit` results.\nUse precise terms.', parameters: { type: 'object',
    properties: { query: { type: 'string', description: 'What to look for' }, year: { type: 'integer', default: 2024 },
      fields: { type: 'array', items: { type: 'string', enum: ['title', 'abstract', 'authors', 'venue'] } },
      filter: { type: 'object', properties: { open_access: { type: 'boolean' }, venue: { type: 'object', properties: { name: { type: 'string' }, rank: { type: 'string', enum: ['A*', 'A', 'B'] } } } } } },
    required: ['query'], additionalProperties: false } },
  { name: 'fetch_page', parameters: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } },
  { name: 'set_country', description: 'Pick a country code.', parameters: { type: 'object', properties: {
    code: { type: 'string', enum: Array.from({ length: 120 }, (_, i) => String.fromCharCode(65 + (i % 26)) + String.fromCharCode(65 + Math.floor(i / 26))) },
    level: { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    notes: { type: 'string', description: Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') } }, required: ['code'] } },
  { name: 'now' },
];
const chatTools = defs.map((fn) => ({ type: 'function', function: fn }));

describe('tool definitions: above the TypeScript-namespace rendering OpenAI uses', () => {
  const messages: Message[] = [{ role: 'user', content: 'Find papers on perovskite cells.' }];
  for (const parallel of [true, false]) {
    it(`chat tools, parallel_tool_calls ${parallel}: ≥ either comment style, in a system message of its own or the existing one`, () => {
      const bound = chat(messages, { tools: chatTools, parallel_tool_calls: parallel })!;
      for (const style of ['every-line', 'first-line'] as const) {
        const rendered = renderTools(defs, style, parallel);
        const own = reference([{ role: 'system', content: rendered }, ...messages]);
        expect(bound).toBeGreaterThanOrEqual(own);
        const system: Message = { role: 'system', content: 'Be terse.' };
        const merged = reference([{ role: 'system', content: `${system.content}\n\n${rendered}` }, ...messages]);
        expect(chat([system, ...messages], { tools: chatTools, parallel_tool_calls: parallel })!).toBeGreaterThanOrEqual(merged);
        // The JSON is about twice the rendering: loose, but never below it.
        expect(bound).toBeLessThanOrEqual(2.2 * own + 50);
      }
    });
  }

  it('the enum and newline allowances are what keeps it above', () => {
    const rendered = reference([{ role: 'system', content: renderTools(defs, 'every-line', false) }, ...messages]);
    const bound = chat(messages, { tools: chatTools, parallel_tool_calls: false })!;
    // 120 + 10 + 4 + 3 enum values, 2 + 29 newlines in descriptions: 3 tokens each. Without them
    // (the JSON and fixed overheads alone) this set would be undercounted.
    const allowances = 3 * (120 + 10 + 4 + 3) + 3 * (2 + 29);
    expect(bound - allowances).toBeLessThan(rendered);
  });

  it('legacy functions and Responses tools are bounded the same way', () => {
    const viaFunctions = chat(messages, { functions: defs })!;
    const responsesTools = defs.map((fn) => ({ type: 'function', ...fn }));
    const viaResponses = tallyOpenAiInput('responses', { model: 'gpt-4.1', input: messages, tools: responsesTools }, o200k)!;
    const ref = reference([{ role: 'system', content: renderTools(defs, 'every-line', true) }, ...messages]);
    expect(viaFunctions).toBeGreaterThanOrEqual(ref);
    expect(viaResponses).toBeGreaterThanOrEqual(ref);
  });

  it('response_format schemas: above their JSON and a TypeScript rendering of them', () => {
    const schema = { type: 'object', properties: { verdict: { type: 'string', enum: ['yes', 'no', 'unsure'] }, why: { type: 'string', description: 'One line.\nNo more.' } }, required: ['verdict', 'why'] };
    const format = { type: 'json_schema', json_schema: { name: 'verdict', strict: true, schema } };
    const base = chat(messages)!;
    const bound = chat(messages, { response_format: format })!;
    const asTs = o200k(`# Response Formats\n\n## verdict\n\n${renderTools([{ name: 'verdict', parameters: schema }], 'every-line', false)}`);
    expect(bound - base).toBeGreaterThanOrEqual(Math.max(asTs, o200k(`# Response Formats\n\n## verdict\n\n${JSON.stringify(schema)}`)));
  });
});

describe('other endpoints', () => {
  it('Responses API: instructions, messages, function calls and their outputs', () => {
    const input = [
      { role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"temp_c":18,"sky":"cloudy"}' },
      { role: 'assistant', content: [{ type: 'output_text', text: 'It is 18 °C and cloudy.', annotations: [] }] },
      { role: 'user', content: 'And tomorrow?' },
    ];
    const ref = reference([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: 'functions.weather({"city":"Paris"})' }, { role: 'tool', content: '{"temp_c":18,"sky":"cloudy"}' },
      { role: 'assistant', content: 'It is 18 °C and cloudy.' }, { role: 'user', content: 'And tomorrow?' }]);
    const bound = tallyOpenAiInput('responses', { model: 'gpt-4.1', instructions: 'Be brief.', input }, o200k)!;
    expect(bound).toBeGreaterThanOrEqual(ref);
    expect(bound).toBeLessThanOrEqual(1.5 * ref + 50);
    // A string input is one user message; instructions are a message of their own: 4 + (1 + 1) + text + 1.
    expect(tallyOpenAiInput('responses', { model: 'gpt-4.1', instructions: 'Be brief.', input: 'Hello' }, o200k))
      .toBe(4 + 2 + o200k('Be brief.') + 1 + 11 - 3 + 3);
    expect(reference([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }])).toBe(3 + 1 + o200k('Be brief.') + 8);
  });

  it('legacy completions (cl100k_base): string and array prompts, token arrays, suffix', () => {
    const prompt = 'Once upon a time, in a land of solar farms,';
    expect(tallyOpenAiInput('completions', { model: 'gpt-3.5-turbo-instruct', prompt }, cl100k)).toBe(cl100k(prompt) + 1);
    expect(tallyOpenAiInput('completions', { model: 'gpt-3.5-turbo-instruct', prompt: [prompt, 'Two'], suffix: 'End.' }, cl100k))
      .toBe(cl100k(prompt) + 1 + cl100k('Two') + 1 + cl100k('End.') + 1);
    expect(tallyOpenAiInput('completions', { model: 'davinci-002', prompt: [[1, 2, 3], [4]] }, cl100k)).toBe(4);
  });

  it('embeddings: string arrays, bounded by the exact count of each input', () => {
    const inputs = [corpus.chinese![0]!.content, corpus.code![0]!.content, toolResult];
    const exact = inputs.reduce((sum, s) => sum + cl100k(s), 0);
    const bound = tallyOpenAiInput('embeddings', { model: 'text-embedding-3-large', input: inputs }, cl100k)!;
    expect(bound).toBe(exact + inputs.length);
  });

  it('gives up (the byte bound stays) on what it cannot count', () => {
    expect(tallyOpenAiInput('responses', { model: 'o3', input: [{ type: 'reasoning', encrypted_content: 'gAAAA…' }] }, o200k)).toBeNull();
    expect(tallyOpenAiInput('responses', { model: 'o3', input: [{ type: 'web_search_call', id: 'ws_1' }] }, o200k)).toBeNull();
    expect(chat([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } }] }])).toBeNull();
    expect(chat([{ role: 'user', content: [{ type: 'file', file: { file_data: 'JVBERi0', filename: 'a.pdf' } }] }])).toBeNull();
    expect(chat(['not a message'])).toBeNull();
    expect(tallyOpenAiInput('chat.completions', { model: 'gpt-4o' }, o200k)).toBeNull();
    expect(tallyOpenAiInput('embeddings', { model: 'text-embedding-3-small', input: [{ nope: 1 }] }, cl100k)).toBeNull();
  });
});

describe('encodings and the lazy bundle', () => {
  it('knows which encoding a model uses, and agrees with gpt-tokenizer\'s cl100k list', () => {
    expect(['gpt-4o', 'gpt-4o-mini-2024-07-18', 'gpt-4.1-nano', 'gpt-5', 'gpt-5-mini', 'o1', 'o3', 'o4-mini', 'chatgpt-4o-latest', 'ft:gpt-4o-mini:org::abc'].map(encodingOf))
      .toEqual(Array(10).fill('o200k_base'));
    expect(gptTokenizerCl100k.map(encodingOf)).toEqual(gptTokenizerCl100k.map(() => 'cl100k_base'));
    expect(['llama-3', 'claude-sonnet-4', 'mistral-large', 'gpt-oss-120b', 'dall-e-3'].map(hasKnownEncoding)).toEqual([false, false, false, false, false]);
  });

  it('loadTokenBound requires dist/token-bound.cjs (npm run build) and counts as the pure tally does', () => {
    const bound = loadTokenBound();
    expect(bound).not.toBeNull();
    expect(loadTokenBound()).toBe(bound);
    const messages = corpus.multiTurn!;
    expect(bound!('chat.completions', { model: 'gpt-4o', messages })).toBe(chat(messages));
    expect(bound!('chat.completions', { model: 'gpt-4', messages })).toBe(tallyOpenAiInput('chat.completions', { model: 'gpt-4', messages }, cl100k));
    expect(bound!('chat.completions', { model: 'claude-sonnet-4', messages })).toBeNull();
  });

  it('the hook bundle stays free of the tokenizer', () => {
    const hook = path.join(import.meta.dirname, '../../dist/install-hook.cjs');
    expect(existsSync(hook)).toBe(true);
    const text = readFileSync(hook, 'utf8');
    expect(text).not.toMatch(/gpt-tokenizer|bpeRanks/);
    expect(text.length).toBeLessThan(200_000);
  });
});
