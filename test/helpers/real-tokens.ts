import { encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import type { FakeRequestInfo, FakeUsage } from '../../src/simulator/server.js';

type ChatMessage = Parameters<typeof encodeChat>[0][number];

/**
 * Input tokens as OpenAI counts them (o200k_base, with the chat framing), for the fake provider:
 * it must bill what the real one would, so a test of wflo's exact bound is a real test.
 * Anthropic's tokenizer is not public: its requests keep the simulator's own count.
 */
export function realInputTokens(info: FakeRequestInfo): Partial<FakeUsage> {
  const body = info.body;
  if (info.provider !== 'openai') return {};
  const messages: ChatMessage[] = Array.isArray(body.messages)
    ? (body.messages as Array<{ role: ChatMessage['role']; content: string }>).map((m) => ({ role: m.role, content: m.content }))
    : typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : [];
  if (messages.length === 0) return {};
  return { inputTokens: encodeChat(messages, 'gpt-4o').length };
}
