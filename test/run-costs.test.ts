import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

// Known usage for every call: 1200 input tokens (200 read from cache, 100 written to it), 80 output (10 reasoning).
const USAGE = { inputTokens: 1200, cachedTokens: 200, cacheWriteTokens: 100, outputTokens: 80, reasoningTokens: 10 };

let provider: FakeProvider;
beforeAll(async () => { provider = await startFakeProvider({ usage: USAGE }); });
afterAll(async () => { await provider.close(); });

async function runCall(kind: string, model?: string) {
  const dir = tempDir();
  const db = path.join(dir, 'wflo.db');
  const before = provider.billed.length;
  const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--budget', '5', '--db', db, '--', kind, ...(model ? [model] : [])], { env: providerEnv(provider) });
  expect(result.stderr).not.toContain('internal error');
  expect(result.exitCode).toBe(0);
  const { runs, calls } = readDb(db);
  return { out: JSON.parse(result.stdout) as Record<string, unknown>, runs, calls, billed: provider.billed.slice(before) };
}

/*
 * Expected costs, worked by hand from the published prices (USD per million tokens):
 * gpt-4o-mini: input 0.15, cached input 0.075, output 0.60. OpenAI has no cache-write price,
 * and the OpenAI wire carries no cache writes, so 1000 uncached + 200 cached + 80 output:
 *   1000 × 150 + 200 × 75 + 80 × 600 nano = 150,000 + 15,000 + 48,000 = 213,000 nano.
 */
const OPENAI_CHAT_NANO = 213_000;

describe('wflo run prices every call exactly', () => {
  it('chat completion, plain', async () => {
    const { out, runs, calls, billed } = await runCall('chat');
    expect(billed).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      provider: 'openai', model: 'gpt-4o-mini', endpoint: 'chat.completions', stream: 0, status: 'ok', estimated: 0,
      input_tokens: 1200, cached_input_tokens: 200, cache_write_tokens: 0, output_tokens: 80, reasoning_tokens: 10, cost_nano: OPENAI_CHAT_NANO,
    });
    expect(runs[0]).toMatchObject({ status: 'completed', exit_code: 0, spent_nano: OPENAI_CHAT_NANO, budget_nano: 5_000_000_000 });
    expect(out.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 80 });
  });

  it('chat completion streamed without usage: wflo still knows it, and the caller sees no usage chunk', async () => {
    const { out, calls } = await runCall('chat-stream');
    expect(calls[0]).toMatchObject({ stream: 1, status: 'ok', input_tokens: 1200, output_tokens: 80, cost_nano: OPENAI_CHAT_NANO });
    // Exactly as the API streams when usage is not asked for: no `usage` key on any chunk.
    expect(out.usageKeys).toBe(0);
    expect(out.usage).toBeNull();
    expect(String(out.content).length).toBeGreaterThan(0);
  });

  it('chat completion streamed with usage: the caller keeps its usage chunk', async () => {
    const { out, calls } = await runCall('chat-stream-usage');
    expect(calls[0]).toMatchObject({ stream: 1, status: 'ok', cost_nano: OPENAI_CHAT_NANO });
    expect(out.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 80, prompt_tokens_details: { cached_tokens: 200 } });
    expect(out.usageKeys).toBe(out.chunks);
  });

  it('responses API, plain and streamed', async () => {
    const plain = await runCall('responses');
    expect(plain.calls[0]).toMatchObject({ endpoint: 'responses', stream: 0, input_tokens: 1200, cached_input_tokens: 200, reasoning_tokens: 10, cost_nano: OPENAI_CHAT_NANO });
    expect(plain.out.usage).toMatchObject({ input_tokens: 1200, output_tokens: 80 });
    const streamed = await runCall('responses-stream');
    expect(streamed.calls[0]).toMatchObject({ endpoint: 'responses', stream: 1, cost_nano: OPENAI_CHAT_NANO });
    expect(streamed.out.usage).toMatchObject({ input_tokens: 1200, output_tokens: 80 });
  });

  it('embeddings: input only (text-embedding-3-small, $0.02/M: 1200 × 20 nano)', async () => {
    const { out, calls } = await runCall('embeddings');
    expect(out.vectors).toBe(2);
    expect(calls[0]).toMatchObject({ endpoint: 'embeddings', input_tokens: 1200, output_tokens: 0, cost_nano: 24_000 });
  });

  /*
   * claude-3-5-haiku-latest: input 0.80, cache read 0.08, cache write 1.00, output 4.00.
   * Anthropic reports input_tokens without the cache: 900 + 200 read + 100 written.
   *   900 × 800 + 200 × 80 + 100 × 1000 + 80 × 4000 = 720,000 + 16,000 + 100,000 + 320,000 = 1,156,000 nano.
   */
  it('anthropic messages, plain and streamed, with cache reads and writes', async () => {
    const plain = await runCall('anthropic');
    expect(plain.calls[0]).toMatchObject({
      provider: 'anthropic', endpoint: 'messages', stream: 0, input_tokens: 1200, cached_input_tokens: 200, cache_write_tokens: 100,
      output_tokens: 80, cost_nano: 1_156_000,
    });
    expect(plain.out.usage).toMatchObject({ input_tokens: 900, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, output_tokens: 80 });
    const streamed = await runCall('anthropic-stream');
    expect(streamed.calls[0]).toMatchObject({ stream: 1, input_tokens: 1200, output_tokens: 80, cost_nano: 1_156_000 });
    expect(streamed.out.usage).toMatchObject({ output_tokens: 80 });
  });
});
