import { countTokens as count200k, encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as count100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { encodingOf, openAiInputTokensBound } from '../../src/hook/token-bound.js';
import { inputTokensBound } from '../../src/hook/providers/types.js';

const AS_TEXT = { disallowedSpecial: new Set<string>() };
const o200k = (text: string): number => count200k(text, AS_TEXT);
type Message = { role: 'system' | 'user' | 'assistant'; content: string };

/** The reference: gpt-tokenizer's rendering of the chat with OpenAI's framing, as the API counts prompt_tokens. */
const reference = (messages: Message[]): number => encodeChat(messages, 'gpt-4o').length;
const bound = (messages: Message[], extra: Record<string, unknown> = {}): number | null =>
  openAiInputTokensBound('chat.completions', { model: 'gpt-4o', messages, ...extra }, o200k);

const corpus: Record<string, Message[]> = {
  english: [{ role: 'system', content: 'You are a careful research assistant.' }, { role: 'user', content: 'Summarise what is known about grid-scale battery storage in three short paragraphs, citing trade-offs.' }],
  multiTurn: Array.from({ length: 30 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Turn ${i}: ${'the quick brown fox jumps over the lazy dog. '.repeat(i % 7 + 1)}` }) as Message),
  chinese: [{ role: 'user', content: '请用三段话总结电网规模电池储能的现状，并说明其成本、寿命与安全方面的权衡。太阳能和风能的间歇性使储能变得至关重要。' }],
  japanese: [{ role: 'user', content: '系統用蓄電池の現状を三段落で要約し、コスト、寿命、安全性のトレードオフを説明してください。' }],
  arabic: [{ role: 'user', content: 'لخص في ثلاث فقرات ما هو معروف عن تخزين البطاريات على نطاق الشبكة، مع ذكر المفاضلات.' }],
  emoji: [{ role: 'user', content: '🔋⚡️🌞🌬️ '.repeat(40) + 'which of these matters most? 🤔👩🏽‍🔬' }],
  code: [{ role: 'user', content: 'Fix this:\n```ts\nexport function f(xs: number[]): number {\n\treturn xs.reduce((a, b) => a + b, 0) / xs.length;\n}\n```\n' }],
  json: [{ role: 'user', content: JSON.stringify({ results: Array.from({ length: 40 }, (_, i) => ({ id: `doc_${i}`, score: i / 41, tags: ['a', 'b'], nested: { ok: true } })) }) }],
};

describe('openAiInputTokensBound: an upper bound on real tokenizer output, and a tight one', () => {
  for (const [name, messages] of Object.entries(corpus)) {
    it(`${name}: reference ≤ bound ≤ 1.25 × reference + 50`, () => {
      const ref = reference(messages);
      const b = bound(messages)!;
      expect(b).toBeGreaterThanOrEqual(ref);
      expect(b).toBeLessThanOrEqual(1.25 * ref + 50);
    });
  }

  it('is far below the byte bound where text is dense in bytes', () => {
    for (const name of ['chinese', 'japanese', 'arabic', 'emoji'] as const) {
      const messages = corpus[name]!;
      const body = JSON.stringify({ model: 'gpt-4o', messages });
      expect(bound(messages)!).toBeLessThan(inputTokensBound(body, false) / 2);
    }
  });

  it('text that spells a special token is counted as the API counts it: as text', () => {
    const text = 'What does <|endoftext|> mean in a prompt? And <|im_start|>?';
    // As text these are 6 + 6 tokens, not one special token each.
    expect(bound([{ role: 'user', content: text }])).toBe(4 + 2 + o200k(text) + 1 + 3);
    expect(o200k(text)).toBeGreaterThan(count200k('What does  mean in a prompt? And ?') + 2);
  });

  it('exact figures for small fixed requests (framing changes fail here)', () => {
    // "Hello" is 1 token: 4 per message + (1 + 1) role + (1 + 1) content + 3 priming = 11; the API bills 8.
    expect(reference([{ role: 'user', content: 'Hello' }])).toBe(8);
    expect(bound([{ role: 'user', content: 'Hello' }])).toBe(11);
    expect(openAiInputTokensBound('embeddings', { model: 'text-embedding-3-small', input: ['solar', 'wind'] }, o200k)).toBe(4);
    expect(openAiInputTokensBound('embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]] }, o200k)).toBe(5);
    expect(openAiInputTokensBound('embeddings', { model: 'text-embedding-3-small', input: [1, 2, 3] }, o200k)).toBe(3);
  });

  it('tool definitions: bounds the TypeScript-namespace rendering OpenAI uses, with its header', () => {
    const tools = [
      { type: 'function', function: { name: 'search_papers', description: 'Search the literature', parameters: { type: 'object',
        properties: { query: { type: 'string', description: 'What to look for' }, year: { type: 'integer' }, fields: { type: 'array', items: { type: 'string', enum: ['title', 'abstract'] } },
          filter: { type: 'object', properties: { open_access: { type: 'boolean' } } } }, required: ['query'] } } },
      { type: 'function', function: { name: 'fetch_page', parameters: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } } },
    ];
    const rendered = `# Tools\n\n## functions\n\nnamespace functions {\n\n// Search the literature\ntype search_papers = (_: {\n// What to look for\nquery: string,\nyear?: number,\nfields?: ("title" | "abstract")[],\nfilter?: {\n  open_access?: boolean,\n},\n}) => any;\n\ntype fetch_page = (_: {\nurl: string,\n}) => any;\n\n} // namespace functions`;
    const messages: Message[] = [{ role: 'user', content: 'Find papers on perovskite cells.' }];
    // The tools go into a system message of their own: its framing counts too.
    const ref = reference([{ role: 'system', content: rendered }, ...messages]);
    const b = bound(messages, { tools })!;
    expect(b).toBeGreaterThanOrEqual(ref);
    // The JSON is about twice the rendering: loose, but it never undercounts.
    expect(b).toBeLessThanOrEqual(2.2 * ref + 10);
  });

  it('Responses API input items: messages, function calls and their outputs', () => {
    const input = [
      { role: 'user', content: 'What is the weather in Paris?' },
      { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"temp_c":18,"sky":"cloudy"}' },
    ];
    const ref = reference([{ role: 'user', content: 'What is the weather in Paris?' }, { role: 'assistant', content: 'weather {"city":"Paris"}' },
      { role: 'user', content: '{"temp_c":18,"sky":"cloudy"}' }]);
    const b = openAiInputTokensBound('responses', { model: 'gpt-4.1', instructions: 'Be brief.', input }, o200k)!;
    expect(b).toBeGreaterThanOrEqual(ref + o200k('Be brief.'));
    expect(b).toBeLessThanOrEqual(1.5 * ref + 50);
  });

  it('legacy completions with cl100k_base', () => {
    const prompt = 'Once upon a time, in a land of solar farms,';
    expect(openAiInputTokensBound('completions', { model: 'gpt-3.5-turbo-instruct', prompt }, (t) => count100k(t, AS_TEXT)))
      .toBe(count100k(prompt) + 1 + 3);
  });

  it('gives up (the byte bound stays) on what it cannot count', () => {
    expect(openAiInputTokensBound('responses', { model: 'o3', input: [{ type: 'reasoning', encrypted_content: 'gAAAA…' }] }, o200k)).toBeNull();
    expect(bound([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } }] } as unknown as Message])).toBeNull();
    expect(openAiInputTokensBound('chat.completions', { model: 'gpt-4o' }, o200k)).toBeNull();
  });

  it('knows which encoding a model uses', () => {
    expect(['gpt-4o', 'gpt-4o-mini-2024-07-18', 'gpt-4.1', 'gpt-5', 'o3', 'o4-mini', 'chatgpt-4o-latest', 'ft:gpt-4o-mini:org::abc'].map(encodingOf))
      .toEqual(Array(8).fill('o200k_base'));
    expect(['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'text-embedding-3-small'].map(encodingOf)).toEqual(Array(4).fill('cl100k_base'));
    expect(['llama-3', 'claude-sonnet-4', 'mistral-large'].map(encodingOf)).toEqual([null, null, null]);
  });
});
